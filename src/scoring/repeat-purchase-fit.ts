/**
 * What the BG/NBD, MBG/NBD and Pareto/NBD fits share: checks, grouping, a maximum-likelihood fit
 * over the logarithms of four positive parameters, and the a = 1 limit of the BG/NBD family's
 * expectations.
 */
import { minimise } from './nelder-mead.ts';
import { groupHistories, type GroupedHistories } from './repeat-purchase-groups.ts';
import type { RepeatPurchaseHistory, TimeUnit } from './types.ts';

/** A fitted model: its parameters plus how the fit went; plain JSON. */
export type FittedModel<P> = P & {
  logLikelihood: number;
  customers: number;
  timeUnit: TimeUnit;
  converged: boolean;
};

export interface FitOptions<P> {
  timeUnit?: TimeUnit;
  /** Starting point; each model has a default from the observed purchase rate. */
  start?: P;
}

export interface ModelSpec<K extends string, G> {
  /** Model name for error messages, e.g. "BG/NBD". */
  name: string;
  /** The four parameter names, in the optimiser's order. */
  keys: readonly K[];
  /**
   * The coordinates the optimiser moves in; default the logarithm of each parameter, in `keys`
   * order, so every parameter stays positive.
   */
  coordinates?: {
    toParams(coordinates: readonly number[]): Record<K, number>;
    fromParams(params: Record<K, number>): number[];
  };
  /** Default start from the grouped data (totals are in it). */
  start(grouped: GroupedHistories): Record<K, number>;
  /** Any per-fit precomputation on the groups (the Pareto/NBD fit indexes distinct ages). */
  prepare(grouped: GroupedHistories): G;
  logLikelihood(params: Record<K, number>, prepared: G): number;
}

/**
 * Maximum-likelihood fit: checks and groups the histories, then minimises the negative
 * log-likelihood over the spec's coordinates (log-parameters unless it says otherwise).
 */
export function fitRepeatPurchaseModel<K extends string, G>(
  spec: ModelSpec<K, G>,
  data: readonly RepeatPurchaseHistory[],
  options: FitOptions<Record<K, number>> = {},
): FittedModel<Record<K, number>> {
  if (data.length === 0) throw new Error(`${spec.name}: no customers to fit`);
  const grouped = groupHistories(data);
  if (grouped.totalFrequency === 0) {
    throw new Error(`${spec.name}: no repeat purchases, nothing to fit`);
  }
  const prepared = spec.prepare(grouped);
  const start = options.start ?? spec.start(grouped);
  const coordinates = spec.coordinates ?? {
    toParams: (logs: readonly number[]) => {
      const params = {} as Record<K, number>;
      spec.keys.forEach((key, i) => {
        params[key] = Math.exp(logs[i] as number);
      });
      return params;
    },
    fromParams: (params: Record<K, number>) => spec.keys.map((key) => Math.log(params[key])),
  };
  const toParams = (point: readonly number[]) => coordinates.toParams(point);
  const result = minimise(
    (point) => -spec.logLikelihood(toParams(point), prepared),
    coordinates.fromParams(start),
  );
  return {
    ...toParams(result.x),
    logLikelihood: -result.fx,
    customers: data.length,
    timeUnit: options.timeUnit ?? 'weeks',
    converged: result.converged,
  };
}

/**
 * (c/(a-1)) * (1 - decay * 2F1(...)), the shape of the BG/NBD and MBG/NBD expectations. At
 * a = 1 it is 0/0 (the 2F1 then equals 1/decay), a removable singularity: there it is the mean
 * of the two sides a = 1 -+ h, accurate to O(h^2).
 */
export function overAMinusOne(
  a: number,
  value: (a: number) => { factor: number; decay: number; hyp: number },
): number {
  const at = (aa: number): number => {
    const { factor, decay, hyp } = value(aa);
    return (factor / (aa - 1)) * (1 - decay * hyp);
  };
  const h = 1e-5;
  if (Math.abs(a - 1) < h) return (at(1 - h) + at(1 + h)) / 2;
  return at(a);
}
