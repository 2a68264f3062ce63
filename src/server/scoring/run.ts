import {
  churnFromModel,
  fitValueModels,
  predictChurn,
  type ChurnAssessment,
  type ChurnRow,
  type ClvOptions,
  type TimeUnit,
  dayNumber,
} from '../../scoring/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/db.ts';
import { readPurchaseColumns, type PurchaseColumns } from './read-summaries.ts';
import { scorePopulation, summaryAt, type PopulationScores } from './population.ts';
import {
  currentChurnModel,
  modelKinds,
  storeModel,
  type BgNbdParamsStored,
  type GammaGammaParamsStored,
} from './models-store.ts';
import { writeSnapshots, type SnapshotRow } from './write-snapshots.ts';

export interface ScoringRunOptions extends ClvOptions {
  /** Last day of the observation window, YYYY-MM-DD; default today (UTC). */
  asOf?: string;
  timeUnit?: TimeUnit;
  /**
   * The value models are fitted on all customers up to this many, else on a seeded random sample
   * of this size (the likelihood costs O(customers) per optimiser step; the scores still cover
   * everyone). Default 20,000.
   */
  fitSampleSize?: number;
  currency?: string;
  actor?: string;
  now?: Date;
}

export interface ScoringRunResult {
  runId: string;
  asOf: string;
  timeUnit: TimeUnit;
  /** Customers with purchases up to the as-of day. */
  customersWithPurchases: number;
  /** Customers without purchases scored by the churn model only. */
  churnOnlyCustomers: number;
  snapshots: number;
  modelChurnCustomers: number;
  fit: { customers: number; sampled: boolean; repeatBuyers: number };
  versions: { bgnbd: string | null; gammaGamma: string | null; churn: string | null };
  timings: {
    readMs: number;
    attributesMs: number;
    fitMs: number;
    churnMs: number;
    scoreMs: number;
    writeMs: number;
    totalMs: number;
    sqlMs: number;
    modelMs: number;
    sqlShare: number;
  };
}

export const defaultFitSampleSize = 20_000;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function checkAsOf(asOf: string): string {
  if (!isoDate.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
    throw new Error(`as-of must be a date YYYY-MM-DD, got "${asOf}"`);
  }
  dayNumber(asOf);
  return asOf;
}

/** Deterministic sample of `size` indices out of 0..n-1, in increasing order (selection sampling). */
export function sampleIndices(n: number, size: number, seed = 20_240_601): number[] {
  if (size >= n) return Array.from({ length: n }, (_, index) => index);
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const picked: number[] = [];
  for (let index = 0; index < n && picked.length < size; index += 1) {
    if (random() * (n - index) < size - picked.length) picked.push(index);
  }
  return picked;
}

async function modelChurnByCustomer(
  db: Db,
  model: Awaited<ReturnType<typeof currentChurnModel>>,
): Promise<{ churn: Map<string, ChurnAssessment>; sqlMs: number; modelMs: number }> {
  const churn = new Map<string, ChurnAssessment>();
  if (!model) return { churn, sqlMs: 0, modelMs: 0 };
  const columns = model.model.columns.map((column) => column.name);
  let sqlMs = 0;
  let modelMs = 0;
  const fetchSize = 20_000;
  await db.transaction(async (tx) => {
    let mark = performance.now();
    // Only customers holding every column the model reads: the rest get 1 - P(alive).
    await tx.query(
      `DECLARE scoring_attributes NO SCROLL CURSOR FOR
       SELECT id::text AS key, attributes FROM customers
       WHERE attributes ?& ARRAY[${columns.map((column) => `'${column.replaceAll("'", "''")}'`).join(',') || "''"}]::text[]
       ORDER BY id`,
    );
    for (;;) {
      const { rows } = await tx.query<{ key: string; attributes: ChurnRow }>(
        `FETCH FORWARD ${fetchSize} FROM scoring_attributes`,
      );
      const now = performance.now();
      sqlMs += now - mark;
      mark = now;
      const predictions = predictChurn(
        model.model,
        rows.map((row) => row.attributes),
      );
      predictions.forEach((prediction, index) =>
        churn.set(
          rows[index]!.key,
          churnFromModel(prediction, `${modelKinds.churn}:${model.version}`),
        ),
      );
      modelMs += performance.now() - mark;
      mark = performance.now();
      if (rows.length < fetchSize) break;
    }
    await tx.query('CLOSE scoring_attributes');
    sqlMs += performance.now() - mark;
  });
  return { churn, sqlMs, modelMs };
}

function* snapshotRows(
  columns: PurchaseColumns,
  scores: PopulationScores | null,
  bgnbdVersion: string | null,
  modelChurn: ReadonlyMap<string, ChurnAssessment>,
): Generator<SnapshotRow> {
  const scored = new Set<string>();
  if (scores) {
    for (let i = 0; i < columns.keys.length; i += 1) {
      const churn = scores.churn[i]!;
      const key = columns.keys[i]!;
      scored.add(key);
      yield {
        customerKey: key,
        segment: scores.segment[i]!,
        recencyScore: scores.recencyScore[i]!,
        frequencyScore: scores.frequencyScore[i]!,
        monetaryScore: scores.monetaryScore[i]!,
        clv: scores.clv[i]!,
        valueTier: scores.tier[i]!,
        pAlive: scores.pAlive[i]!,
        expectedPurchases: scores.expectedPurchases[i]!,
        horizonMonths: scores.horizonMonths,
        churn,
        modelVersion: churn.modelVersion ?? `${modelKinds.bgnbd}:${bgnbdVersion}`,
      };
    }
  }
  for (const [key, churn] of modelChurn) {
    if (scored.has(key)) continue;
    yield {
      customerKey: key,
      segment: null,
      recencyScore: null,
      frequencyScore: null,
      monetaryScore: null,
      clv: null,
      valueTier: null,
      pAlive: null,
      expectedPurchases: null,
      horizonMonths: null,
      churn,
      modelVersion: churn.modelVersion!,
    };
  }
}

/**
 * A scoring run over the whole database: read per-customer histories (aggregated in SQL, streamed
 * through a cursor), fit BG/NBD and Gamma-Gamma, apply the current churn model where customers
 * carry its columns, score everyone and write one snapshot per customer, all in one transaction
 * with the new model versions and a scoring_runs row.
 */
export async function runScoring(
  db: Db,
  options: ScoringRunOptions = {},
): Promise<ScoringRunResult> {
  const started = options.now ?? new Date();
  const asOf = checkAsOf(options.asOf ?? started.toISOString().slice(0, 10));
  const timeUnit = options.timeUnit ?? 'weeks';
  const asOfDay = dayNumber(asOf);
  const t0 = performance.now();

  const columns = await readPurchaseColumns(db, asOf);
  const t1 = performance.now();

  const churnModel = await currentChurnModel(db);
  const attributes = await modelChurnByCustomer(db, churnModel);
  const t2 = performance.now();

  const n = columns.keys.length;
  const fitSize = options.fitSampleSize ?? defaultFitSampleSize;
  const sample = sampleIndices(n, fitSize).map((index) =>
    summaryAt(columns, index, asOfDay, timeUnit),
  );
  const fittedAt = new Date().toISOString();
  const models = n > 0 ? fitValueModels(sample, { asOf, timeUnit }) : null;
  const t3 = performance.now();

  const scores = models
    ? scorePopulation(columns, models, {
        ...options,
        asOfDay,
        timeUnit,
        modelChurn: attributes.churn,
      })
    : null;
  const t4 = performance.now();

  const computedAt = new Date().toISOString();
  const actor = options.actor ?? 'system';
  // Snapshots, model versions, the run's record and its audit entry commit together.
  return db.transaction(async (tx) => {
    let bgnbdVersion: string | null = null;
    let gammaGammaVersion: string | null = null;
    if (models) {
      const bgnbdParams: BgNbdParamsStored = {
        ...models.bgnbd,
        asOf,
        fittedAt,
        population: n,
        sampled: sample.length < n,
      };
      bgnbdVersion = await storeModel(tx, modelKinds.bgnbd, bgnbdParams);
      if (models.gammaGamma) {
        const gammaGammaParams: GammaGammaParamsStored = { ...models.gammaGamma, asOf, fittedAt };
        gammaGammaVersion = await storeModel(tx, modelKinds.gammaGamma, gammaGammaParams);
      }
    }
    const snapshots = await writeSnapshots(
      tx,
      snapshotRows(columns, scores, bgnbdVersion, attributes.churn),
      { currency: options.currency ?? 'USD', computedAt },
    );
    const t5 = performance.now();

    const readMs = t1 - t0;
    const writeMs = t5 - t4;
    const sqlMs = readMs + attributes.sqlMs + writeMs;
    const modelMs = attributes.modelMs + (t3 - t2) + (t4 - t3);
    const totalMs = t5 - t0;
    const result: Omit<ScoringRunResult, 'runId'> = {
      asOf,
      timeUnit,
      customersWithPurchases: n,
      churnOnlyCustomers: snapshots - (scores ? n : 0),
      snapshots,
      modelChurnCustomers: attributes.churn.size,
      fit: {
        customers: sample.length,
        sampled: sample.length < n,
        repeatBuyers: models?.gammaGamma?.customers ?? 0,
      },
      versions: {
        bgnbd: bgnbdVersion,
        gammaGamma: gammaGammaVersion,
        churn: churnModel?.version ?? null,
      },
      timings: {
        readMs,
        attributesMs: t2 - t1,
        fitMs: t3 - t2,
        churnMs: attributes.modelMs,
        scoreMs: t4 - t3,
        writeMs,
        totalMs,
        sqlMs,
        modelMs,
        sqlShare: totalMs > 0 ? sqlMs / totalMs : 0,
      },
    };
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO scoring_runs (as_of, time_unit, customers, snapshots, model_versions, timings,
         actor, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text AS id`,
      [
        asOf,
        timeUnit,
        n,
        snapshots,
        JSON.stringify(result.versions),
        JSON.stringify(result.timings),
        actor,
        started.toISOString(),
      ],
    );
    const runId = rows[0]!.id;
    await audit(tx, {
      actor,
      action: 'scoring.run',
      target: runId,
      details: { asOf, timeUnit, snapshots, versions: result.versions },
    });
    return { runId, ...result };
  });
}
