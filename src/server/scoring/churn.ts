import { parse } from 'csv-parse/sync';
import {
  predictChurn,
  trainChurnModel,
  type ChurnModel,
  type ChurnRow,
  type ColumnKind,
} from '../../scoring/index.ts';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import {
  currentChurnModel,
  modelKinds,
  storeModel,
  type ChurnParamsStored,
} from './models-store.ts';

/**
 * Attributes a churn model must not use by default: a legally protected characteristic must
 * neither drive a customer's treatment nor show up as a "why" to a CSR. Compared without case
 * and punctuation, so "Gender", "senior_citizen" and "SeniorCitizen" all match.
 */
const protectedAttributes = [
  'gender',
  'sex',
  'race',
  'ethnicity',
  'religion',
  'nationality',
  'nationalorigin',
  'age',
  'dateofbirth',
  'birthdate',
  'seniorcitizen',
  'disability',
  'maritalstatus',
  'sexualorientation',
  'pregnancy',
];

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function isProtectedAttribute(column: string): boolean {
  return protectedAttributes.includes(squash(column));
}

/** CSV text with a header line into records; a malformed line is named in the error. */
export function parseCsvRecords(text: string | Buffer): Record<string, string>[] {
  try {
    return parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new Error(lines ? `CSV line ${lines}: ${message}` : `CSV: ${message}`);
  }
}

export interface ChurnTrainRequest {
  idColumn: string;
  labelColumn: string;
  columnTypes?: Record<string, ColumnKind>;
  ignoreColumns?: string[];
  /** Purchase-history columns in the rows, recomputed from transactions at each scoring run. */
  historyColumns?: string[];
  /** Train on protected attributes too (off by default). */
  includeProtected?: boolean;
  folds?: number;
  now?: Date;
  /** Who trained it, for the audit log. */
  actor: string;
}

export interface ChurnTrainResult {
  version: string;
  model: ChurnModel;
  excludedColumns: string[];
}

/** Trains with cross-validation and stores the model as the next 'churn' version. */
export async function trainAndStoreChurnModel(
  db: Db,
  rows: readonly ChurnRow[],
  request: ChurnTrainRequest,
): Promise<ChurnTrainResult> {
  const first = rows[0];
  if (!first) throw new Error('the file has no data rows');
  for (const [flag, column] of [
    ['--id', request.idColumn],
    ['--label', request.labelColumn],
  ] as const) {
    if (!(column in first)) {
      throw new Error(`${flag} column "${column}" is not in the file's header`);
    }
  }
  for (const column of [
    ...Object.keys(request.columnTypes ?? {}),
    ...(request.ignoreColumns ?? []),
  ]) {
    if (!(column in first)) throw new Error(`column "${column}" is not in the file's header`);
  }
  const excludedColumns = request.includeProtected
    ? []
    : Object.keys(first).filter(
        (column) =>
          column !== request.idColumn &&
          column !== request.labelColumn &&
          isProtectedAttribute(column),
      );
  const model = trainChurnModel(rows, {
    idColumn: request.idColumn,
    labelColumn: request.labelColumn,
    columnTypes: request.columnTypes,
    ignoreColumns: [...(request.ignoreColumns ?? []), ...excludedColumns],
    historyColumns: request.historyColumns,
    folds: request.folds,
  });
  const params: ChurnParamsStored = {
    ...model,
    trainedAt: (request.now ?? new Date()).toISOString(),
    excludedColumns,
  };
  const version = await db.transaction(async (tx) => {
    const stored = await storeModel(tx, modelKinds.churn, params);
    await audit(tx, {
      actor: request.actor,
      action: 'churn_model.train',
      target: stored,
      details: {
        trainedRows: model.trainedRows,
        churnedRows: model.churnedRows,
        rocAuc: model.crossValidation.rocAuc,
        brier: model.crossValidation.calibratedBrier,
        calibration: model.crossValidation.calibrationMethod,
        excludedColumns,
      },
    });
    return stored;
  });
  return { version, model, excludedColumns };
}

export interface ChurnPredictionRow {
  customerId: string;
  probability: number;
  reasons: string[];
}

/** The current model's calibrated probability for every row (no label needed). */
export async function predictWithCurrentModel(
  db: Queryable,
  rows: readonly ChurnRow[],
  idColumn: string,
): Promise<{ version: string; predictions: ChurnPredictionRow[] }> {
  const current = await currentChurnModel(db);
  if (!current) throw new Error('no churn model yet: train one with `loopdesk churn train`');
  const first = rows[0];
  if (first && !(idColumn in first)) {
    throw new Error(`--id column "${idColumn}" is not in the file's header`);
  }
  const predictions = predictChurn(current.model, rows);
  return {
    version: current.version,
    predictions: predictions.map((prediction, index) => ({
      customerId: String(rows[index]![idColumn] ?? ''),
      probability: prediction.probability,
      reasons: prediction.reasons,
    })),
  };
}

/** `customer_id,churn_probability` lines; ids are quoted when CSV needs it. */
export function predictionsCsv(predictions: readonly ChurnPredictionRow[]): string {
  const quote = (value: string) =>
    /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return (
    'customer_id,churn_probability\n' +
    predictions.map((row) => `${quote(row.customerId)},${row.probability.toFixed(6)}\n`).join('')
  );
}
