/**
 * Model choice by holdout against the database: `loopdesk models check --holdout-from`, and the
 * check a scoring run makes on its own history before it picks the model that values customers.
 */
import { z } from 'zod';
import { purchaseModelKinds } from '../../contract/insights.ts';
import {
  chooseValueModel,
  compareOnHoldout,
  dayNumber,
  DAYS_PER_UNIT,
  holdoutLengthIn,
  holdoutShortfall,
  isoDay,
  planHoldout,
  purchaseModelNames,
  type HoldoutComparison,
  type HoldoutHistory,
  type PurchaseModelKind,
  type TimeUnit,
  type ValueModelChoice,
} from '../../scoring/index.ts';
import type { Db } from '../db/db.ts';
import { dayAfter, type PurchaseColumns } from './read-summaries.ts';
import { defaultFitSampleSize, sampleIndices } from './sampling.ts';

/** A comparison with its dates: calibration to `calibrationEnd`, holdout through `holdoutEnd`. */
export interface HoldoutCheck extends HoldoutComparison {
  calibrationEnd: string;
  holdoutStart: string;
  holdoutEnd: string;
  /** Customers who bought by the calibration end; `customers` were checked (a sample past 20,000). */
  population: number;
  sampled: boolean;
}

/** What a scoring run records about its choice (scoring_runs.model_choice). */
export interface StoredModelChoice extends ValueModelChoice {
  version: string | null;
  holdout: HoldoutCheck | null;
}

type HoldoutRow = {
  key: string;
  first_day: number;
  last_day: number;
  days: number;
  holdout_days: number;
};

/**
 * Per customer who bought by `calibrationEnd`: first and last purchase day and purchase days up
 * to it, and purchase days after it through `holdoutEnd` (same-day purchases are one). `keys`
 * limits it to those customers (customers.id), which the index on transactions serves.
 */
async function readHoldoutRows(
  db: Db,
  options: { calibrationEnd: string; holdoutEnd: string; keys?: readonly string[] },
): Promise<HoldoutRow[]> {
  const rows: HoldoutRow[] = [];
  const params: unknown[] = [options.calibrationEnd, dayAfter(options.holdoutEnd)];
  if (options.keys) params.push(options.keys);
  await db.transaction(async (tx) => {
    await tx.query(
      `DECLARE holdout_histories NO SCROLL CURSOR FOR
       SELECT customer_id::text AS key,
         (min(day) - DATE '1970-01-01')::int AS first_day,
         (max(day) FILTER (WHERE day <= $1::date) - DATE '1970-01-01')::int AS last_day,
         count(*) FILTER (WHERE day <= $1::date)::int AS days,
         count(*) FILTER (WHERE day > $1::date)::int AS holdout_days
       FROM (
         SELECT DISTINCT customer_id, (occurred_at AT TIME ZONE 'UTC')::date AS day
         FROM transactions
         WHERE occurred_at < $2::timestamptz
           ${options.keys ? 'AND customer_id = ANY($3::bigint[])' : ''}
       ) daily
       GROUP BY customer_id
       HAVING min(day) <= $1::date
       ORDER BY customer_id`,
      params,
    );
    for (;;) {
      const { rows: batch } = await tx.query<HoldoutRow>(
        'FETCH FORWARD 50000 FROM holdout_histories',
      );
      for (const row of batch) rows.push(row);
      if (batch.length < 50_000) break;
    }
    await tx.query('CLOSE holdout_histories');
  });
  return rows;
}

function toHistory(row: HoldoutRow, calibrationEndDay: number, unitDays: number): HoldoutHistory {
  const first = Number(row.first_day);
  return {
    frequency: Number(row.days) - 1,
    recency: (Number(row.last_day) - first) / unitDays,
    T: (calibrationEndDay - first) / unitDays,
    holdoutPurchases: Number(row.holdout_days),
  };
}

const nextDay = (day: string) => isoDay(dayNumber(day) + 1);

export interface HoldoutCheckOptions {
  /** First day of the holdout, YYYY-MM-DD; the calibration ends the day before. */
  holdoutFrom: string;
  /** Last day of the holdout; default the last purchase day on record. */
  holdoutTo?: string;
  timeUnit?: TimeUnit;
  fitSampleSize?: number;
}

/** `loopdesk models check`: the three models compared on the holdout the caller names. */
export async function checkModelsOnHoldout(
  db: Db,
  options: HoldoutCheckOptions,
): Promise<HoldoutCheck> {
  const timeUnit = options.timeUnit ?? 'weeks';
  const calibrationEndDay = dayNumber(options.holdoutFrom) - 1;
  const calibrationEnd = isoDay(calibrationEndDay);
  let holdoutEnd = options.holdoutTo;
  if (!holdoutEnd) {
    const { rows } = await db.query<{ last: string | null }>(
      `SELECT (max(occurred_at) AT TIME ZONE 'UTC')::date::text AS last FROM transactions`,
    );
    const last = rows[0]?.last;
    if (!last) throw new Error('no transactions on record');
    holdoutEnd = last;
  }
  const holdoutDays = dayNumber(holdoutEnd) - calibrationEndDay;
  if (holdoutDays < 1) {
    throw new Error(
      `the holdout ${options.holdoutFrom} to ${holdoutEnd} is empty: it must end on or after its first day`,
    );
  }
  const rows = await readHoldoutRows(db, { calibrationEnd, holdoutEnd });
  if (rows.length === 0) throw new Error(`no customer bought on or before ${calibrationEnd}`);
  const picked = sampleIndices(rows.length, options.fitSampleSize ?? defaultFitSampleSize);
  const unitDays = DAYS_PER_UNIT[timeUnit];
  const histories = picked.map((index) => toHistory(rows[index]!, calibrationEndDay, unitDays));
  const comparison = compareOnHoldout(histories, holdoutLengthIn(holdoutDays, timeUnit), {
    timeUnit,
  });
  return {
    ...comparison,
    calibrationEnd,
    holdoutStart: nextDay(calibrationEnd),
    holdoutEnd,
    population: rows.length,
    sampled: histories.length < rows.length,
  };
}

/**
 * A scoring run's choice: it compares the models on its own history when the history is long
 * and rich enough (HOLDOUT_RULE), using the run's fit sample, and picks among `available`, the
 * models that fitted on the whole history; otherwise MBG/NBD.
 */
export async function chooseModelForRun(
  db: Db,
  options: {
    columns: PurchaseColumns;
    /** The run's fit sample, indices into `columns`. */
    sample: readonly number[];
    asOfDay: number;
    timeUnit: TimeUnit;
    available: readonly PurchaseModelKind[];
  },
): Promise<{ choice: ValueModelChoice; holdout: HoldoutCheck | null }> {
  const { columns, asOfDay, timeUnit, available } = options;
  let firstDay = Number.POSITIVE_INFINITY;
  for (const day of columns.firstDay) if (day < firstDay) firstDay = day;
  const plan = planHoldout(firstDay, asOfDay);
  if (!plan.ok) {
    return { choice: chooseValueModel(available, { shortfall: plan.reason }), holdout: null };
  }
  const keys = options.sample
    .filter((index) => columns.firstDay[index]! <= plan.calibrationEndDay)
    .map((index) => columns.keys[index]!);
  const calibrationEnd = isoDay(plan.calibrationEndDay);
  const holdoutEnd = isoDay(asOfDay);
  const rows =
    keys.length > 0 ? await readHoldoutRows(db, { calibrationEnd, holdoutEnd, keys }) : [];
  const unitDays = DAYS_PER_UNIT[timeUnit];
  const histories = rows.map((row) => toHistory(row, plan.calibrationEndDay, unitDays));
  const shortfall = holdoutShortfall(histories);
  if (shortfall) return { choice: chooseValueModel(available, { shortfall }), holdout: null };
  const comparison = compareOnHoldout(histories, holdoutLengthIn(plan.holdoutDays, timeUnit), {
    timeUnit,
  });
  const holdout: HoldoutCheck = {
    ...comparison,
    calibrationEnd,
    holdoutStart: nextDay(calibrationEnd),
    holdoutEnd,
    population: columns.firstDay.filter((day) => day <= plan.calibrationEndDay).length,
    sampled: options.sample.length < columns.keys.length,
  };
  return { choice: chooseValueModel(available, { comparison }), holdout };
}

const figure = (value: number, digits = 3) => value.toFixed(digits);

/** The check as a table: per bin the customers, actual and each model's expected mean. */
export function printHoldoutCheck(
  check: HoldoutCheck,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  write(
    `Holdout check: calibration to ${check.calibrationEnd}, holdout ${check.holdoutStart} to ` +
      `${check.holdoutEnd} (${figure(check.holdoutLength, 1)} ${check.timeUnit}); ` +
      `${check.customers} customers${check.sampled ? ` (random sample of ${check.population})` : ''}\n`,
  );
  write('Repeat purchases per customer in the holdout, by repeat purchases in the calibration:\n');
  const fitted = check.models.flatMap((model) => (model.fitted ? [model] : []));
  const width = 12;
  const cell = (text: string) => text.padStart(width);
  write(
    `  ${'bin'.padEnd(4)}${cell('customers')}${cell('actual')}` +
      `${fitted.map((model) => cell(model.name)).join('')}\n`,
  );
  check.bins.forEach((bin, index) => {
    write(
      `  ${bin.bin.padEnd(4)}${cell(String(bin.customers))}${cell(figure(bin.actual))}` +
        `${fitted.map((model) => cell(figure(model.expected[index]!))).join('')}\n`,
    );
  });
  const share = (expected: number) =>
    check.actualTotal > 0
      ? ` (${expected >= check.actualTotal ? '+' : ''}${figure(((expected - check.actualTotal) / check.actualTotal) * 100, 1)}%)`
      : '';
  write(
    `  ${'total'.padEnd(4)}${cell(String(check.customers))}${cell(String(check.actualTotal))}` +
      `${fitted.map((model) => cell(figure(model.expectedTotal, 1))).join('')}\n`,
  );
  for (const model of fitted) {
    write(
      `  ${model.name}: expected ${figure(model.expectedTotal, 1)} repeat purchases${share(model.expectedTotal)}, ` +
        `RMSE ${figure(model.rmse, 4)} per customer, calibration log-likelihood ${figure(model.logLikelihood, 2)}\n`,
    );
  }
  for (const model of check.models) {
    if (!model.fitted) write(`  ${model.name}: could not be fitted: ${model.failure}\n`);
  }
  write(
    'Error: root mean squared error per customer of the forecast holdout repeat purchases ' +
      '(sqrt(mean((actual - expected)^2))); lower is better.\n',
  );
  const best = check.ranking[0];
  write(
    best
      ? `Lowest error: ${purchaseModelNames[best]}\n`
      : 'No model could be fitted on the calibration\n',
  );
}

const holdoutModelSchema = z.union([
  z.object({
    kind: z.enum(purchaseModelKinds),
    name: z.string(),
    fitted: z.literal(true),
    params: z.record(z.string(), z.number()),
    logLikelihood: z.number(),
    converged: z.boolean(),
    expected: z.array(z.number()),
    expectedTotal: z.number(),
    rmse: z.number(),
  }),
  z.object({
    kind: z.enum(purchaseModelKinds),
    name: z.string(),
    fitted: z.literal(false),
    failure: z.string(),
  }),
]);

export const holdoutCheckSchema = z.object({
  calibrationEnd: z.string(),
  holdoutStart: z.string(),
  holdoutEnd: z.string(),
  population: z.number().int(),
  sampled: z.boolean(),
  customers: z.number().int(),
  holdoutLength: z.number(),
  timeUnit: z.enum(['weeks', 'days']),
  bins: z.array(z.object({ bin: z.string(), customers: z.number().int(), actual: z.number() })),
  actualTotal: z.number(),
  models: z.array(holdoutModelSchema),
  ranking: z.array(z.enum(purchaseModelKinds)),
});

export const modelChoiceSchema = z.object({
  kind: z.enum(purchaseModelKinds),
  version: z.string().nullable(),
  basis: z.enum(['holdout', 'default']),
  reason: z.string(),
  holdout: holdoutCheckSchema.nullable(),
});
