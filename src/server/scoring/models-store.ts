import {
  parseChurnModel,
  type BgNbdModel,
  type ChurnModel,
  type GammaGammaModel,
  type MbgNbdModel,
  type ParetoNbdModel,
} from '../../scoring/index.ts';
import type { Queryable } from '../db/db.ts';
import type { StoredModelChoice } from './holdout-check.ts';

/** Model kinds in the models table; the purchase models' kinds are purchaseModelKinds. */
export const modelKinds = {
  bgnbd: 'bgnbd',
  mbgnbd: 'mbgnbd',
  paretoNbd: 'pareto-nbd',
  gammaGamma: 'gamma-gamma',
  churn: 'churn',
} as const;

interface StoredModel<T> {
  kind: string;
  version: string;
  params: T;
  createdAt: string;
}

type FitRecord = {
  asOf: string;
  fittedAt: string;
  /** Customers in the population; `customers` is the fitted (possibly sampled) count. */
  population: number;
  sampled: boolean;
};
type BgNbdParamsStored = BgNbdModel & FitRecord;
type MbgNbdParamsStored = MbgNbdModel & FitRecord;
type ParetoNbdParamsStored = ParetoNbdModel & FitRecord;
export type PurchaseModelStored = BgNbdParamsStored | MbgNbdParamsStored | ParetoNbdParamsStored;
export type GammaGammaParamsStored = GammaGammaModel & { asOf: string; fittedAt: string };
export type ChurnParamsStored = ChurnModel & {
  trainedAt: string;
  /** Columns left out of training on purpose (protected attributes). */
  excludedColumns: string[];
};

/** Stores params as the next version of `kind` ("1", "2", ...); returns the version. */
export async function storeModel(db: Queryable, kind: string, params: unknown): Promise<string> {
  const { rows } = await db.query<{ version: string }>(
    `INSERT INTO models (kind, version, params)
     SELECT $1, (COALESCE(max(version::int), 0) + 1)::text, $2::jsonb
     FROM models WHERE kind = $1
     RETURNING version`,
    [kind, JSON.stringify(params)],
  );
  return rows[0]!.version;
}

async function currentModel<T>(db: Queryable, kind: string): Promise<StoredModel<T> | null> {
  const { rows } = await db.query<{ version: string; params: T; created_at: string | Date }>(
    `SELECT version, params, created_at FROM models WHERE kind = $1 ORDER BY id DESC LIMIT 1`,
    [kind],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    kind,
    version: row.version,
    params: row.params,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function currentChurnModel(
  db: Queryable,
): Promise<{ version: string; model: ChurnModel; params: ChurnParamsStored } | null> {
  const stored = await currentModel<ChurnParamsStored>(db, modelKinds.churn);
  if (!stored) return null;
  return { version: stored.version, model: parseChurnModel(stored.params), params: stored.params };
}

/** What `loopdesk models show --json` and GET /v1/models print. */
export interface ModelsOverview {
  bgnbd: {
    version: string;
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    customers: number;
    population: number;
    sampled: boolean;
    timeUnit: string;
  } | null;
  /** Fitted in the same run as bgnbd, on the same customers. */
  mbgnbd: {
    version: string;
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    customers: number;
    converged: boolean;
  } | null;
  paretoNbd: {
    version: string;
    r: number;
    alpha: number;
    s: number;
    beta: number;
    logLikelihood: number;
    customers: number;
    converged: boolean;
  } | null;
  /** The purchase model the latest scoring run valued customers with, and why. */
  valueModel: (StoredModelChoice & { runId: string; asOf: string }) | null;
  gammaGamma: {
    version: string;
    p: number;
    q: number;
    gamma: number;
    logLikelihood: number;
    customers: number;
  } | null;
  churn: {
    version: string;
    rocAuc: number;
    logLoss: number;
    calibratedLogLoss: number;
    /** Of the probabilities the model gives; null for models stored before it was measured. */
    brier: number | null;
    ece: number | null;
    calibrationMethod: string;
    /** Columns computed from purchases at each scoring run. */
    historyColumns: string[];
    folds: number;
    trainedRows: number;
    churnedRows: number;
    columns: string[];
    excludedColumns: string[];
    trainedAt: string;
  } | null;
  asOf: string | null;
  fittedAt: string | null;
}

export async function modelsOverview(db: Queryable): Promise<ModelsOverview> {
  const newestBgnbd = await currentModel<BgNbdParamsStored>(db, modelKinds.bgnbd);
  const newestMbgnbd = await currentModel<MbgNbdParamsStored>(db, modelKinds.mbgnbd);
  const newestPareto = await currentModel<ParetoNbdParamsStored>(db, modelKinds.paretoNbd);
  const gammaGamma = await currentModel<GammaGammaParamsStored>(db, modelKinds.gammaGamma);
  const churn = await currentModel<ChurnParamsStored>(db, modelKinds.churn);
  // The value models of one run share fittedAt: show the newest run's (a model whose fit failed
  // in that run is not replaced by an older one).
  const fittedAt =
    [newestBgnbd, newestMbgnbd, newestPareto]
      .map((model) => model?.params.fittedAt)
      .filter((at): at is string => at !== undefined)
      .sort()
      .at(-1) ?? null;
  const ofRun = <T extends { params: { fittedAt: string } }>(model: T | null) =>
    model && model.params.fittedAt === fittedAt ? model : null;
  const bgnbd = ofRun(newestBgnbd);
  const mbgnbd = ofRun(newestMbgnbd);
  const paretoNbd = ofRun(newestPareto);
  const value = bgnbd ?? mbgnbd ?? paretoNbd;
  const { rows: runs } = await db.query<{
    id: string;
    as_of: string;
    model_choice: StoredModelChoice;
  }>(
    `SELECT id::text AS id, as_of::text AS as_of, model_choice FROM scoring_runs
     WHERE model_choice IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  const run = runs[0];
  return {
    valueModel: run ? { ...run.model_choice, runId: run.id, asOf: run.as_of } : null,
    mbgnbd: mbgnbd && {
      version: mbgnbd.version,
      r: mbgnbd.params.r,
      alpha: mbgnbd.params.alpha,
      a: mbgnbd.params.a,
      b: mbgnbd.params.b,
      logLikelihood: mbgnbd.params.logLikelihood,
      customers: mbgnbd.params.customers,
      converged: mbgnbd.params.converged,
    },
    paretoNbd: paretoNbd && {
      version: paretoNbd.version,
      r: paretoNbd.params.r,
      alpha: paretoNbd.params.alpha,
      s: paretoNbd.params.s,
      beta: paretoNbd.params.beta,
      logLikelihood: paretoNbd.params.logLikelihood,
      customers: paretoNbd.params.customers,
      converged: paretoNbd.params.converged,
    },
    bgnbd: bgnbd && {
      version: bgnbd.version,
      r: bgnbd.params.r,
      alpha: bgnbd.params.alpha,
      a: bgnbd.params.a,
      b: bgnbd.params.b,
      logLikelihood: bgnbd.params.logLikelihood,
      customers: bgnbd.params.customers,
      population: bgnbd.params.population,
      sampled: bgnbd.params.sampled,
      timeUnit: bgnbd.params.timeUnit,
    },
    // A spend model belongs to the value fit only when fitted in the same run (same as-of).
    gammaGamma:
      gammaGamma && gammaGamma.params.fittedAt === fittedAt
        ? {
            version: gammaGamma.version,
            p: gammaGamma.params.p,
            q: gammaGamma.params.q,
            gamma: gammaGamma.params.gamma,
            logLikelihood: gammaGamma.params.logLikelihood,
            customers: gammaGamma.params.customers,
          }
        : null,
    churn: churn && {
      version: churn.version,
      rocAuc: churn.params.crossValidation.rocAuc,
      logLoss: churn.params.crossValidation.logLoss,
      calibratedLogLoss: churn.params.crossValidation.calibratedLogLoss,
      brier: churn.params.crossValidation.calibratedBrier ?? null,
      ece: churn.params.crossValidation.calibratedEce ?? null,
      calibrationMethod: churn.params.crossValidation.calibrationMethod ?? 'platt',
      historyColumns: churn.params.historyColumns ?? [],
      folds: churn.params.crossValidation.folds,
      trainedRows: churn.params.trainedRows,
      churnedRows: churn.params.churnedRows,
      columns: churn.params.columns.map((column) => column.name),
      excludedColumns: churn.params.excludedColumns ?? [],
      trainedAt: churn.params.trainedAt,
    },
    asOf: value?.params.asOf ?? null,
    fittedAt,
  };
}
