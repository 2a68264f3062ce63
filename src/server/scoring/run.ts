import {
  fittedPurchaseModels,
  fitValueModels,
  type ChurnAssessment,
  type ClvOptions,
  type TimeUnit,
  dayNumber,
} from '../../scoring/index.ts';
import { calendarDateSchema } from '../../contract/timestamps.ts';
import { audit } from '../audit/store.ts';
import type { Db } from '../db/db.ts';
import { readPurchaseColumns, type PurchaseColumns } from './read-summaries.ts';
import { scorePopulation, summaryAt, type PopulationScores } from './population.ts';
import {
  currentChurnModel,
  modelKinds,
  storeModel,
  type GammaGammaParamsStored,
  type PurchaseModelStored,
} from './models-store.ts';
import { modelChurnByCustomer } from './model-churn.ts';
import { writeSnapshots, type SnapshotRow } from './write-snapshots.ts';
import { chooseModelForRun, type StoredModelChoice } from './holdout-check.ts';
import { defaultFitSampleSize, sampleIndices } from './sampling.ts';

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
  versions: {
    bgnbd: string | null;
    mbgnbd: string | null;
    paretoNbd: string | null;
    gammaGamma: string | null;
    churn: string | null;
  };
  /**
   * The purchase model that valued customers (P(alive), expected purchases, CLV, and churn where
   * no trained model applies), and why; null when no customer has purchases.
   */
  valueModel: StoredModelChoice | null;
  timings: {
    readMs: number;
    attributesMs: number;
    /** Fitting the value models and choosing one (the holdout check included). */
    fitMs: number;
    /** Of fitMs, the holdout check. */
    holdoutMs: number;
    churnMs: number;
    scoreMs: number;
    writeMs: number;
    totalMs: number;
    sqlMs: number;
    modelMs: number;
    sqlShare: number;
  };
}

export { sampleIndices };

export function checkAsOf(asOf: string): string {
  if (!calendarDateSchema.safeParse(asOf).success) {
    throw new Error(`as-of must be a date YYYY-MM-DD, got "${asOf}"`);
  }
  dayNumber(asOf);
  return asOf;
}

function* snapshotRows(
  columns: PurchaseColumns,
  scores: PopulationScores | null,
  /** "kind:version" of the purchase model that valued the customers. */
  valueModel: string | null,
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
        modelVersion: churn.modelVersion ?? valueModel!,
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
 * through a cursor), fit BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma, choose the purchase model
 * by holdout (holdout-check.ts), apply the current churn model where customers carry its
 * columns, score everyone with the chosen model and write one snapshot per customer, all in one
 * transaction with the new model versions and a scoring_runs row recording the choice.
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
  const attributes = await modelChurnByCustomer(db, churnModel, { columns, asOfDay, timeUnit });
  const t2 = performance.now();

  const n = columns.keys.length;
  const fitSize = options.fitSampleSize ?? defaultFitSampleSize;
  const sampleIndex = sampleIndices(n, fitSize);
  const sample = sampleIndex.map((index) => summaryAt(columns, index, asOfDay, timeUnit));
  const fittedAt = new Date().toISOString();
  const models = n > 0 ? fitValueModels(sample, { asOf, timeUnit }) : null;
  const fitted = models ? fittedPurchaseModels(models) : [];
  const tHoldout = performance.now();
  const chosen = models
    ? await chooseModelForRun(db, {
        columns,
        sample: sampleIndex,
        asOfDay,
        timeUnit,
        available: fitted.map((purchase) => purchase.kind),
      })
    : null;
  const purchase = chosen && fitted.find((model) => model.kind === chosen.choice.kind)!;
  const t3 = performance.now();

  const scores = purchase
    ? scorePopulation(
        columns,
        { purchase, gammaGamma: models!.gammaGamma },
        {
          ...options,
          asOfDay,
          timeUnit,
          modelChurn: attributes.churn,
        },
      )
    : null;
  const t4 = performance.now();

  const computedAt = new Date().toISOString();
  const actor = options.actor ?? 'system';
  // Snapshots, model versions, the run's record and its audit entry commit together.
  return db.transaction(async (tx) => {
    const purchaseVersions: Partial<Record<string, string>> = {};
    let gammaGammaVersion: string | null = null;
    if (models) {
      for (const { kind, model } of fitted) {
        const stored: PurchaseModelStored = {
          ...model,
          asOf,
          fittedAt,
          population: n,
          sampled: sample.length < n,
        };
        purchaseVersions[kind] = await storeModel(tx, kind, stored);
      }
      if (models.gammaGamma) {
        const gammaGammaParams: GammaGammaParamsStored = { ...models.gammaGamma, asOf, fittedAt };
        gammaGammaVersion = await storeModel(tx, modelKinds.gammaGamma, gammaGammaParams);
      }
    }
    const valueModel: StoredModelChoice | null = chosen && {
      ...chosen.choice,
      version: purchaseVersions[chosen.choice.kind] ?? null,
      holdout: chosen.holdout,
    };
    const valueModelVersion = valueModel && `${valueModel.kind}:${valueModel.version}`;
    const snapshots = await writeSnapshots(
      tx,
      snapshotRows(columns, scores, valueModelVersion, attributes.churn),
      { currency: options.currency ?? 'USD', computedAt, valueModel: valueModelVersion },
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
        bgnbd: purchaseVersions.bgnbd ?? null,
        mbgnbd: purchaseVersions.mbgnbd ?? null,
        paretoNbd: purchaseVersions['pareto-nbd'] ?? null,
        gammaGamma: gammaGammaVersion,
        churn: churnModel?.version ?? null,
      },
      valueModel,
      timings: {
        readMs,
        attributesMs: t2 - t1,
        fitMs: t3 - t2,
        holdoutMs: t3 - tHoldout,
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
         actor, started_at, value_model, model_choice)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
      [
        asOf,
        timeUnit,
        n,
        snapshots,
        JSON.stringify(result.versions),
        JSON.stringify(result.timings),
        actor,
        started.toISOString(),
        valueModel?.kind ?? null,
        valueModel && JSON.stringify(valueModel),
      ],
    );
    const runId = rows[0]!.id;
    await audit(tx, {
      actor,
      action: 'scoring.run',
      target: runId,
      details: {
        asOf,
        timeUnit,
        snapshots,
        versions: result.versions,
        valueModel: valueModel && {
          kind: valueModel.kind,
          basis: valueModel.basis,
          reason: valueModel.reason,
        },
      },
    });
    return { runId, ...result };
  });
}
