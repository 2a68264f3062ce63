/**
 * MBG/NBD model: Batislam, Denizel & Filiztekin (2007), "Empirical Validation and Comparison of
 * Models for Customer Base Analysis", IJRM 24(3). It is BG/NBD (bgnbd.ts) with one change: a
 * customer may also drop out right after the first purchase, so a one-time buyer's P(alive) is
 * below 1. Each purchase, the first included, is followed by a dropout chance p ~ Beta(a, b);
 * purchases come at rate lambda ~ Gamma(r, alpha) while alive. A customer with x repeat
 * purchases has therefore survived x + 1 chances, which is where the "+ 1"s below come from.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import {
  fitRepeatPurchaseModel,
  overAMinusOne,
  type FitOptions,
  type FittedModel,
  type ModelSpec,
} from './repeat-purchase-fit.ts';
import { groupHistories, logAddExp, type HistoryGroup } from './repeat-purchase-groups.ts';
import type { RepeatPurchaseHistory } from './types.ts';

export interface MbgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A fitted model: plain JSON, like BgNbdModel. */
export type MbgNbdModel = FittedModel<MbgNbdParams>;

/**
 * The paper's likelihood:
 *   L = B(a, b+x+1)/B(a, b) * G + B(a+1, b+x)/B(a, b) * G * ((alpha+T)/(alpha+t_x))^(r+x),
 *   G = Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x)),
 * alive at T, or dropped out right after the last purchase at t_x. The second beta ratio is the
 * first times a/(b+x), so each customer costs two logarithms and the gamma terms are per group.
 */
function groupedLogLikelihood(params: MbgNbdParams, groups: readonly HistoryGroup[]): number {
  const { r, alpha, a, b } = params;
  const logA = Math.log(a);
  const shared = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b);
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    const perGroup = shared + gammaln(r + x) + gammaln(b + x + 1) - gammaln(a + b + x + 1);
    const logDropOdds = logA - Math.log(b + x);
    for (let i = 0; i < group.counts.length; i += 1) {
      const alive = -(r + x) * Math.log(alpha + (group.ages[i] as number));
      const dropped = logDropOdds - (r + x) * Math.log(alpha + (group.recencies[i] as number));
      total += (group.counts[i] as number) * (perGroup + logAddExp(alive, dropped));
    }
  }
  return total;
}

/** Sum of the individual log-likelihoods over the customers. */
export function mbgnbdLogLikelihood(
  params: MbgNbdParams,
  data: readonly RepeatPurchaseHistory[],
): number {
  return groupedLogLikelihood(params, groupHistories(data).groups);
}

export type FitMbgNbdOptions = FitOptions<MbgNbdParams>;

const mbgnbdSpec: ModelSpec<keyof MbgNbdParams, HistoryGroup[]> = {
  name: 'MBG/NBD',
  keys: ['r', 'alpha', 'a', 'b'],
  // With r = 1 the mean purchase rate is 1/alpha, so start alpha at age per repeat purchase.
  start: ({ totalAge, totalFrequency }) => ({ r: 1, alpha: totalAge / totalFrequency, a: 1, b: 1 }),
  prepare: ({ groups }) => groups,
  logLikelihood: groupedLogLikelihood,
};

/** Maximum-likelihood fit, optimising the log-parameters so all four stay positive. */
export function fitMbgNbd(
  data: readonly RepeatPurchaseHistory[],
  options: FitMbgNbdOptions = {},
): MbgNbdModel {
  return fitRepeatPurchaseModel(mbgnbdSpec, data, options);
}

/**
 * Expected repeat purchases of a new customer in (0, t]: one who just bought, and may drop out
 * at once. E[(1-p)/p * (1 - exp(-lambda p t))] over the mixing distributions, which Euler's
 * transformation turns into b/(a-1) * (1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))).
 */
export function mbgnbdExpectedTransactions(params: MbgNbdParams, t: number): number {
  const { r, alpha, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  const decay = Math.pow(alpha / (alpha + t), r);
  return overAMinusOne(params.a, (a) => ({
    factor: b,
    decay,
    hyp: hyp2f1(r, b + 1, a + b, z),
  }));
}

/**
 * P(alive | history): the "alive" share of the likelihood, 1 / (1 + a/(b+x) *
 * ((alpha+T)/(alpha+t_x))^(r+x)). Unlike BG/NBD it is below 1 for one-time buyers too.
 */
export function mbgnbdProbabilityAlive(
  params: MbgNbdParams,
  history: RepeatPurchaseHistory,
): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency, T } = history;
  const logOdds =
    Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected repeat purchases in (T, T + t] given the history. Given alive at T, lambda ~
 * Gamma(r+x, alpha+T) and p ~ Beta(a, b+x+1) (x+1 dropout chances survived), and no dropout
 * chance is due at T itself, so E[1/p * (1 - exp(-lambda p t))] gives
 * (a+b+x)/(a-1) * (1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))),
 * times P(alive).
 */
export function mbgnbdConditionalExpectedTransactions(
  params: MbgNbdParams,
  t: number,
  history: RepeatPurchaseHistory,
): number {
  const { r, alpha, b } = params;
  const { frequency: x, T } = history;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const decay = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
  const aliveMean = overAMinusOne(params.a, (a) => ({
    factor: a + b + x,
    decay,
    hyp: hyp2f1(r + x, b + x + 1, a + b + x, z),
  }));
  return aliveMean * mbgnbdProbabilityAlive(params, history);
}
