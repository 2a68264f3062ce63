import {
  parseChurnModel,
  type BgNbdModel,
  type ChurnModel,
  type GammaGammaModel,
} from '../../scoring/index.ts';
import type { Queryable } from '../db/db.ts';

/** Model kinds in the models table. */
export const modelKinds = { bgnbd: 'bgnbd', gammaGamma: 'gamma-gamma', churn: 'churn' } as const;

export interface StoredModel<T> {
  kind: string;
  version: string;
  params: T;
  createdAt: string;
}

export type BgNbdParamsStored = BgNbdModel & {
  asOf: string;
  fittedAt: string;
  /** Customers in the population; `customers` is the fitted (possibly sampled) count. */
  population: number;
  sampled: boolean;
};
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

export async function currentModel<T>(db: Queryable, kind: string): Promise<StoredModel<T> | null> {
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
  const bgnbd = await currentModel<BgNbdParamsStored>(db, modelKinds.bgnbd);
  const gammaGamma = await currentModel<GammaGammaParamsStored>(db, modelKinds.gammaGamma);
  const churn = await currentModel<ChurnParamsStored>(db, modelKinds.churn);
  return {
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
      gammaGamma && bgnbd && gammaGamma.params.fittedAt === bgnbd.params.fittedAt
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
      folds: churn.params.crossValidation.folds,
      trainedRows: churn.params.trainedRows,
      churnedRows: churn.params.churnedRows,
      columns: churn.params.columns.map((column) => column.name),
      excludedColumns: churn.params.excludedColumns ?? [],
      trainedAt: churn.params.trainedAt,
    },
    asOf: bgnbd?.params.asOf ?? null,
    fittedAt: bgnbd?.params.fittedAt ?? null,
  };
}
