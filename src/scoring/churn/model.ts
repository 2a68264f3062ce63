import { z } from 'zod';
import { calibrationTable, logLoss, rocAuc, type CalibrationBin } from './metrics.ts';
import { describeCategory, describeNumber } from './explain.ts';
import {
  describeFeatures,
  encodeRow,
  fitColumnEncodings,
  inferColumnTypes,
  levelOf,
  type ChurnRow,
  type ColumnEncoding,
  type ColumnKind,
} from './features.ts';
import { stratifiedFolds } from './folds.ts';
import { parseLabel } from './labels.ts';
import { fitLogistic, linearPredictor, sigmoid } from './logistic.ts';

export interface CrossValidationReport {
  folds: number;
  /** ROC AUC of the pooled out-of-fold predictions. */
  rocAuc: number;
  foldRocAuc: number[];
  /** Log-loss of the out-of-fold predictions before and after Platt scaling. */
  logLoss: number;
  calibratedLogLoss: number;
  /** Deciles of calibrated out-of-fold predictions: mean predicted vs observed churn. */
  calibration: CalibrationBin[];
}

/** A trained churn model: plain JSON (JSON.stringify it to store, parseChurnModel to load). */
export interface ChurnModel {
  kind: 'logistic-regression';
  formatVersion: 1;
  labelColumn: string;
  idColumn: string | null;
  columns: ColumnEncoding[];
  intercept: number;
  coefficients: number[];
  l2: number;
  /** Platt scaling fitted on out-of-fold predictions: p = sigmoid(a * logit + b). */
  calibration: { a: number; b: number };
  crossValidation: CrossValidationReport;
  trainedRows: number;
  churnedRows: number;
}

export interface TrainChurnOptions {
  labelColumn: string;
  idColumn?: string;
  /** Force a column's type instead of inferring it. */
  columnTypes?: Record<string, ColumnKind>;
  /** Columns to leave out besides id and label. */
  ignoreColumns?: string[];
  /** Label value meaning "churned"; by default yes/true/1 are churned and no/false/0 are not. */
  positiveLabel?: string;
  /** L2 penalty on the standardised coefficients; default 1. */
  l2?: number;
  folds?: number;
  seed?: number;
}

interface DesignMatrix {
  values: Float64Array;
  width: number;
}

function design(encodings: readonly ColumnEncoding[], rows: readonly ChurnRow[]): DesignMatrix {
  const width = describeFeatures(encodings).length;
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, index) =>
    encodeRow(encodings, row, index + 1, values.subarray(index * width, (index + 1) * width)),
  );
  return { values, width };
}

/** Platt scaling: a one-feature logistic regression of the label on the raw logit. */
function fitPlatt(rawLogits: Float64Array, labels: Uint8Array): { a: number; b: number } {
  const fit = fitLogistic(rawLogits, labels, 1, 1e-6);
  return { a: fit.coefficients[0] as number, b: fit.intercept };
}

function featureColumns(rows: readonly ChurnRow[], options: TrainChurnOptions): string[] {
  const skip = new Set([options.labelColumn, ...(options.ignoreColumns ?? [])]);
  if (options.idColumn) skip.add(options.idColumn);
  const first = rows[0] ?? {};
  for (const column of [options.labelColumn, options.idColumn]) {
    if (column && !(column in first)) throw new Error(`column "${column}" is not in the data`);
  }
  return Object.keys(first).filter((column) => !skip.has(column));
}

/**
 * Trains the churn model: k-fold cross-validation (stratified, seeded) for the report and the
 * Platt calibration, then a final fit on all rows. Encodings are refitted inside every fold so
 * the validation rows never inform the standardisation.
 */
export function trainChurnModel(rows: readonly ChurnRow[], options: TrainChurnOptions): ChurnModel {
  if (rows.length < 20)
    throw new Error(`churn training needs at least 20 rows, got ${rows.length}`);
  const l2 = options.l2 ?? 1;
  const k = options.folds ?? 5;
  const columns = featureColumns(rows, options);
  const labels = Uint8Array.from(rows, (row, index) =>
    parseLabel(row[options.labelColumn], index + 1, options.labelColumn, options.positiveLabel),
  );
  const churnedRows = labels.reduce((sum, label) => sum + label, 0);
  if (churnedRows === 0 || churnedRows === rows.length) {
    throw new Error('churn training needs both churned and retained customers');
  }
  const kinds = inferColumnTypes(rows, columns, options.columnTypes);
  const folds = stratifiedFolds(labels, k, options.seed ?? 20240601);

  const outOfFoldLogits = new Float64Array(rows.length);
  const foldRocAuc: number[] = [];
  for (let fold = 0; fold < k; fold += 1) {
    const trainIndex: number[] = [];
    const testIndex: number[] = [];
    folds.forEach((f, index) => (f === fold ? testIndex : trainIndex).push(index));
    const trainRows = trainIndex.map((index) => rows[index] as ChurnRow);
    const testRows = testIndex.map((index) => rows[index] as ChurnRow);
    const encodings = fitColumnEncodings(trainRows, kinds);
    const train = design(encodings, trainRows);
    const fit = fitLogistic(
      train.values,
      Uint8Array.from(trainIndex, (i) => labels[i] as number),
      train.width,
      l2,
    );
    const test = design(encodings, testRows);
    const foldScores: number[] = [];
    testIndex.forEach((rowIndex, position) => {
      const eta = linearPredictor(
        fit,
        test.values.subarray(position * test.width, (position + 1) * test.width),
      );
      outOfFoldLogits[rowIndex] = eta;
      foldScores.push(eta);
    });
    foldRocAuc.push(
      rocAuc(
        foldScores,
        testIndex.map((i) => labels[i] as number),
      ),
    );
  }
  const calibration = fitPlatt(outOfFoldLogits, labels);
  const rawOutOfFold = Float64Array.from(outOfFoldLogits, sigmoid);
  const calibratedOutOfFold = Float64Array.from(outOfFoldLogits, (eta) =>
    sigmoid(calibration.a * eta + calibration.b),
  );

  const encodings = fitColumnEncodings(rows, kinds);
  const all = design(encodings, rows);
  const fit = fitLogistic(all.values, labels, all.width, l2);
  return {
    kind: 'logistic-regression',
    formatVersion: 1,
    labelColumn: options.labelColumn,
    idColumn: options.idColumn ?? null,
    columns: encodings,
    intercept: fit.intercept,
    coefficients: fit.coefficients,
    l2,
    calibration,
    crossValidation: {
      folds: k,
      rocAuc: rocAuc(outOfFoldLogits, labels),
      foldRocAuc,
      logLoss: logLoss(rawOutOfFold, labels),
      calibratedLogLoss: logLoss(calibratedOutOfFold, labels),
      calibration: calibrationTable(calibratedOutOfFold, labels),
    },
    trainedRows: rows.length,
    churnedRows,
  };
}

/** Contributions below this (on the log-odds scale) are too small to be worth a CSR's attention. */
const MIN_REASON_CONTRIBUTION = 0.05;

export interface ChurnPrediction {
  /** The row's id column value, when the model knows its id column and the row has it. */
  id: string | null;
  probability: number;
  /** Up to three features pushing the risk up, strongest first, in plain words. */
  reasons: string[];
}

/** Calibrated churn probability and the top three reasons for each row (no label needed). */
export function predictChurn(model: ChurnModel, rows: readonly ChurnRow[]): ChurnPrediction[] {
  const features = describeFeatures(model.columns);
  if (features.length !== model.coefficients.length) {
    throw new Error('churn model: coefficients do not match its columns');
  }
  const row = new Float64Array(features.length);
  return rows.map((input, index) => {
    encodeRow(model.columns, input, index + 1, row);
    const eta = linearPredictor(model, row);
    const probability = sigmoid(model.calibration.a * eta + model.calibration.b);
    // Contribution of a column = sum over its features of coefficient * (value - training mean):
    // how far this customer's risk sits above an average customer's because of that column.
    const contributions = new Map<string, number>();
    features.forEach((feature, j) => {
      const contribution =
        (model.coefficients[j] as number) * ((row[j] as number) - feature.baseline);
      contributions.set(feature.column, (contributions.get(feature.column) ?? 0) + contribution);
    });
    const phrases = [...contributions.entries()]
      .filter(([, contribution]) => contribution >= MIN_REASON_CONTRIBUTION)
      .sort(([x, cx], [y, cy]) => cy - cx || (x < y ? -1 : 1))
      .map(([column]) => describeColumn(model, column, input));
    // Two columns can say the same thing (no phone service, and multiple lines: no phone service).
    const reasons = [...new Set(phrases)].slice(0, 3);
    const id = model.idColumn ? (input[model.idColumn] ?? null) : null;
    return { id: id === null ? null : String(id), probability, reasons };
  });
}

function describeColumn(model: ChurnModel, column: string, row: ChurnRow): string {
  const encoding = model.columns.find((candidate) => candidate.name === column) as ColumnEncoding;
  const value = row[column];
  if (encoding.kind === 'categorical') {
    const level = levelOf(encoding, value);
    return describeCategory(column, level === null || level.startsWith('(') ? value : level);
  }
  const number = Number(value);
  return describeNumber(column, value, number > encoding.mean);
}

const calibrationBinSchema = z.object({
  bin: z.number().int(),
  count: z.number().int(),
  meanPredicted: z.number(),
  observedRate: z.number(),
});

const churnModelSchema = z.object({
  kind: z.literal('logistic-regression'),
  formatVersion: z.literal(1),
  labelColumn: z.string(),
  idColumn: z.string().nullable(),
  columns: z.array(
    z.discriminatedUnion('kind', [
      z.object({
        name: z.string(),
        kind: z.literal('numeric'),
        mean: z.number(),
        standardDeviation: z.number().positive(),
        missingShare: z.number().min(0).max(1),
      }),
      z.object({
        name: z.string(),
        kind: z.literal('categorical'),
        levels: z.array(z.string()),
        levelShares: z.array(z.number()),
      }),
    ]),
  ),
  intercept: z.number(),
  coefficients: z.array(z.number()),
  l2: z.number(),
  calibration: z.object({ a: z.number(), b: z.number() }),
  crossValidation: z.object({
    folds: z.number().int(),
    rocAuc: z.number(),
    foldRocAuc: z.array(z.number()),
    logLoss: z.number(),
    calibratedLogLoss: z.number(),
    calibration: z.array(calibrationBinSchema),
  }),
  trainedRows: z.number().int(),
  churnedRows: z.number().int(),
});

/** Loads a stored model (parsed JSON), checking its shape; throws naming the first bad field. */
export function parseChurnModel(json: unknown): ChurnModel {
  const result = churnModelSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `churn model JSON: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const model = result.data;
  if (describeFeatures(model.columns).length !== model.coefficients.length) {
    throw new Error('churn model JSON: coefficients do not match its columns');
  }
  return model;
}
