import { z } from 'zod';
import { rocAuc } from './metrics.ts';
import {
  calibrate,
  chooseCalibration,
  CALIBRATION_TOLERANCE,
  type CalibrationMethod,
  type Calibrator,
} from './calibration.ts';
import { describeCategory, describeNumber } from './explain.ts';
import {
  cellNumber,
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
import { isPurchaseHistoryColumn, purchaseHistoryPhrase } from './history.ts';
import { parseLabel } from './labels.ts';
import { fitLogistic, linearPredictor } from './logistic.ts';

/** What k-fold cross-validation measured, stored with the model and answered on training. */
type CrossValidationReport = z.infer<typeof crossValidationSchema>;

/** A trained churn model: plain JSON (JSON.stringify it to store, parseChurnModel to load). */
export interface ChurnModel {
  kind: 'logistic-regression';
  formatVersion: 2;
  labelColumn: string;
  idColumn: string | null;
  columns: ColumnEncoding[];
  /**
   * Columns computed from the customer's transactions as of the scoring day (see history.ts)
   * rather than read from the customer's attributes.
   */
  historyColumns: string[];
  intercept: number;
  coefficients: number[];
  l2: number;
  /** Applied to every prediction; fitted on out-of-fold predictions when training chose to. */
  calibration: Calibrator;
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
  /** Purchase-history columns (history.ts) in the rows, recomputed at every scoring run. */
  historyColumns?: string[];
  /** Label value meaning "churned"; by default yes/true/1 are churned and no/false/0 are not. */
  positiveLabel?: string;
  /** L2 penalty on the standardised coefficients; default 1. */
  l2?: number;
  folds?: number;
  seed?: number;
  /** Expected calibration error above which probabilities are calibrated; default 0.03. */
  calibrationTolerance?: number;
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

function featureColumns(rows: readonly ChurnRow[], options: TrainChurnOptions): string[] {
  const skip = new Set([options.labelColumn, ...(options.ignoreColumns ?? [])]);
  if (options.idColumn) skip.add(options.idColumn);
  const first = rows[0] ?? {};
  for (const column of [options.labelColumn, options.idColumn]) {
    if (column && !(column in first)) throw new Error(`column "${column}" is not in the data`);
  }
  return Object.keys(first).filter((column) => !skip.has(column));
}

function checkHistoryColumns(columns: readonly string[], history: readonly string[]): void {
  for (const column of history) {
    if (!isPurchaseHistoryColumn(column)) {
      throw new Error(`"${column}" is not a purchase-history column`);
    }
    if (!columns.includes(column)) throw new Error(`column "${column}" is not in the data`);
  }
}

/**
 * Trains the churn model: k-fold cross-validation (stratified, seeded) for the report and the
 * calibration decision, then a final fit on all rows. Encodings are refitted inside every fold
 * so the validation rows never inform the standardisation.
 */
export function trainChurnModel(rows: readonly ChurnRow[], options: TrainChurnOptions): ChurnModel {
  if (rows.length < 20)
    throw new Error(`churn training needs at least 20 rows, got ${rows.length}`);
  const l2 = options.l2 ?? 1;
  const k = options.folds ?? 5;
  const columns = featureColumns(rows, options);
  const historyColumns = options.historyColumns ?? [];
  checkHistoryColumns(columns, historyColumns);
  const labels = Uint8Array.from(rows, (row, index) =>
    parseLabel(row[options.labelColumn], index + 1, options.labelColumn, options.positiveLabel),
  );
  const churnedRows = labels.reduce((sum, label) => sum + label, 0);
  if (churnedRows === 0 || churnedRows === rows.length) {
    throw new Error('churn training needs both churned and retained customers');
  }
  const kinds = inferColumnTypes(rows, columns, {
    ...options.columnTypes,
    ...Object.fromEntries(historyColumns.map((column) => [column, 'numeric' as const])),
  });
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
  const choice = chooseCalibration(
    outOfFoldLogits,
    labels,
    folds,
    options.calibrationTolerance ?? CALIBRATION_TOLERANCE,
  );

  const encodings = fitColumnEncodings(rows, kinds);
  const all = design(encodings, rows);
  const fit = fitLogistic(all.values, labels, all.width, l2);
  return {
    kind: 'logistic-regression',
    formatVersion: 2,
    labelColumn: options.labelColumn,
    idColumn: options.idColumn ?? null,
    columns: encodings,
    historyColumns: [...historyColumns],
    intercept: fit.intercept,
    coefficients: fit.coefficients,
    l2,
    calibration: choice.calibrator,
    crossValidation: {
      folds: k,
      rocAuc: rocAuc(outOfFoldLogits, labels),
      foldRocAuc,
      logLoss: choice.before.logLoss,
      brier: choice.before.brier,
      ece: choice.before.ece,
      reliability: choice.before.table,
      calibrationMethod: choice.calibrator.method,
      calibrationNote: choice.note,
      calibratedLogLoss: choice.after.logLoss,
      calibratedBrier: choice.after.brier,
      calibratedEce: choice.after.ece,
      calibration: choice.after.table,
    },
    trainedRows: rows.length,
    churnedRows,
  };
}

/** Contributions below this (on the log-odds scale) are too small to be worth a CSR's attention. */
const MIN_REASON_CONTRIBUTION = 0.1;
/** Nor is a reason under this share of the strongest reason's contribution. */
const RELATIVE_REASON_CONTRIBUTION = 0.2;
/** The purchase-history columns explain as one reason ("one purchase, 34 weeks ago"). */
const HISTORY_REASON = '\u0000history';

export interface ChurnPrediction {
  /** The row's id column value, when the model knows its id column and the row has it. */
  id: string | null;
  probability: number;
  /**
   * One to three reasons in plain words, strongest first: what pushes the risk up or, for a risk
   * below the average customer's, what holds it down. A model that reads purchase history always
   * tells it ("one purchase, 34 weeks ago").
   */
  reasons: string[];
}

/** Calibrated churn probability and its reasons for each row (no label needed). */
export function predictChurn(model: ChurnModel, rows: readonly ChurnRow[]): ChurnPrediction[] {
  const features = describeFeatures(model.columns);
  if (features.length !== model.coefficients.length) {
    throw new Error('churn model: coefficients do not match its columns');
  }
  const history = new Set(model.historyColumns);
  const row = new Float64Array(features.length);
  return rows.map((input, index) => {
    encodeRow(model.columns, input, index + 1, row);
    const eta = linearPredictor(model, row);
    const probability = calibrate(model.calibration, eta);
    // Contribution of a column = sum over its features of coefficient * (value - training mean):
    // how far this customer's risk sits above an average customer's because of that column.
    const contributions = new Map<string, number>();
    features.forEach((feature, j) => {
      const contribution =
        (model.coefficients[j] as number) * ((row[j] as number) - feature.baseline);
      const reason = history.has(feature.column) ? HISTORY_REASON : feature.column;
      contributions.set(reason, (contributions.get(reason) ?? 0) + contribution);
    });
    const ranked = [...contributions.entries()].sort(
      ([x, cx], [y, cy]) => cy - cx || (x < y ? -1 : 1),
    );
    // Reasons explain how this customer differs from the average one, in the direction their
    // risk lies; a reason much weaker than the strongest is noise beside it.
    const strongest = (entries: [string, number][]) => {
      const floor = Math.abs(entries[0]?.[1] ?? 0) * RELATIVE_REASON_CONTRIBUTION;
      return entries
        .filter(([, c]) => Math.abs(c) >= MIN_REASON_CONTRIBUTION && Math.abs(c) >= floor)
        .map(([column]) => column);
    };
    const raising = strongest(ranked.filter(([, c]) => c > 0));
    const lowering = strongest(ranked.filter(([, c]) => c < 0).reverse());
    const total = ranked.reduce((sum, [, c]) => sum + c, 0);
    let chosen: string[];
    if (history.size > 0) {
      // The purchase history is always told: it is what the segment beside the churn risk is
      // made of, so the two can be read together even when the history lowers the risk.
      const place = raising.indexOf(HISTORY_REASON);
      chosen =
        place >= 0 && place < 3
          ? raising
          : [...raising.filter((column) => column !== HISTORY_REASON).slice(0, 2), HISTORY_REASON];
    } else {
      chosen = total >= 0 ? raising : lowering;
      if (chosen.length === 0) chosen = total >= 0 ? lowering : raising;
    }
    if (chosen.length === 0 && ranked.length > 0) {
      const largest = ranked.reduce((x, y) => (Math.abs(y[1]) > Math.abs(x[1]) ? y : x));
      chosen = [largest[0]];
    }
    const phrases = chosen.map((column) =>
      column === HISTORY_REASON
        ? describeHistory(model, input)
        : describeColumn(model, column, input),
    );
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

function describeHistory(model: ChurnModel, row: ChurnRow): string {
  const purchases = cellNumber(row.purchases);
  const daysSince = cellNumber(row.days_since_last_purchase);
  if (purchases !== null && daysSince !== null && purchases >= 0 && daysSince >= 0) {
    return purchaseHistoryPhrase(purchases, daysSince);
  }
  return model.historyColumns.map((column) => describeColumn(model, column, row)).join(', ');
}

const calibrationBinSchema = z.object({
  /** 1 = lowest predicted risk. */
  bin: z.number().int(),
  count: z.number().int(),
  meanPredicted: z.number(),
  observedRate: z.number(),
});

export const crossValidationSchema = z.object({
  folds: z.number().int(),
  /** ROC AUC of the pooled out-of-fold predictions. */
  rocAuc: z.number(),
  foldRocAuc: z.array(z.number()),
  /** Out-of-fold probabilities as the fitted model gives them, before any calibration. */
  logLoss: z.number(),
  /** Null in models stored before calibration was measured (format 1); likewise below. */
  brier: z.number().nullable(),
  /** Expected calibration error over the ten bins of `reliability`. */
  ece: z.number().nullable(),
  /** Ten bins of out-of-fold predictions: mean predicted vs observed churn, before calibration. */
  reliability: z.array(calibrationBinSchema),
  calibrationMethod: z.enum(['none', 'platt', 'isotonic'] as const satisfies CalibrationMethod[]),
  /** What was done about calibration and why, in a sentence. */
  calibrationNote: z.string(),
  /** The same measures for the probabilities the model gives (calibration cross-fitted). */
  calibratedLogLoss: z.number(),
  calibratedBrier: z.number().nullable(),
  calibratedEce: z.number().nullable(),
  /** The probabilities the model gives, each fold calibrated on the others. */
  calibration: z.array(calibrationBinSchema),
});

const columnSchema = z.discriminatedUnion('kind', [
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
]);

const modelCommon = {
  kind: z.literal('logistic-regression'),
  labelColumn: z.string(),
  idColumn: z.string().nullable(),
  columns: z.array(columnSchema),
  intercept: z.number(),
  coefficients: z.array(z.number()),
  l2: z.number(),
  trainedRows: z.number().int(),
  churnedRows: z.number().int(),
};

const calibratorSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  z.object({ method: z.literal('platt'), a: z.number(), b: z.number() }),
  z
    .object({
      method: z.literal('isotonic'),
      x: z.array(z.number()).min(1),
      y: z.array(z.number().min(0).max(1)).min(1),
    })
    .refine((calibrator) => calibrator.x.length === calibrator.y.length, {
      message: 'x and y differ in length',
    }),
]);

const churnModelSchema = z.object({
  ...modelCommon,
  formatVersion: z.literal(2),
  historyColumns: z.array(z.string().refine(isPurchaseHistoryColumn, 'not a history column')),
  calibration: calibratorSchema,
  crossValidation: crossValidationSchema,
});

/** Models stored before format 2 were always Platt-scaled and measured less. */
const churnModelV1Schema = z
  .object({
    ...modelCommon,
    formatVersion: z.literal(1),
    calibration: z.object({ a: z.number(), b: z.number() }),
    crossValidation: z.object({
      folds: z.number().int(),
      rocAuc: z.number(),
      foldRocAuc: z.array(z.number()),
      logLoss: z.number(),
      calibratedLogLoss: z.number(),
      calibration: z.array(calibrationBinSchema),
    }),
  })
  .transform((v1): ChurnModel => ({
    ...v1,
    formatVersion: 2,
    historyColumns: [],
    calibration: { method: 'platt', ...v1.calibration },
    crossValidation: {
      ...v1.crossValidation,
      brier: null,
      ece: null,
      reliability: [],
      calibrationMethod: 'platt',
      calibrationNote: 'Platt scaling on out-of-fold predictions (model format 1)',
      calibratedBrier: null,
      calibratedEce: null,
    },
  }));

/** Loads a stored model (parsed JSON), checking its shape; throws naming the first bad field. */
export function parseChurnModel(json: unknown): ChurnModel {
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  const result =
    version === 1 ? churnModelV1Schema.safeParse(json) : churnModelSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `churn model JSON: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const model: ChurnModel = result.data;
  if (describeFeatures(model.columns).length !== model.coefficients.length) {
    throw new Error('churn model JSON: coefficients do not match its columns');
  }
  return model;
}
