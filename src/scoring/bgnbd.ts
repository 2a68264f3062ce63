/**
 * BG/NBD model: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
 * Marketing Science 24(2). Equation numbers below refer to that paper.
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

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A fitted model: plain JSON, as `loopdesk models show --json` prints it. */
export type BgNbdModel = FittedModel<BgNbdParams>;

/**
 * Equation (6), L = A1 * A2 * (A3 + A4), each term taken in log space. The gamma-function terms
 * depend on the parameters and frequency only, so they are computed per frequency group.
 */
function groupedLogLikelihood(params: BgNbdParams, groups: readonly HistoryGroup[]): number {
  const { r, alpha, a, b } = params;
  const logAlpha = Math.log(alpha);
  const sharedTerms = -gammaln(r) + r * logAlpha + gammaln(a + b) - gammaln(b);
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    const logA1A2 = sharedTerms + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
    const logA4Factor = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    for (let i = 0; i < group.counts.length; i += 1) {
      const logA3 = -(r + x) * Math.log(alpha + (group.ages[i] as number));
      const logA4 = logA4Factor - (r + x) * Math.log(alpha + (group.recencies[i] as number));
      total += (group.counts[i] as number) * (logA1A2 + (x > 0 ? logAddExp(logA3, logA4) : logA3));
    }
  }
  return total;
}

/** Sum of the individual log-likelihoods (equation 6) over the customers. */
export function bgnbdLogLikelihood(
  params: BgNbdParams,
  data: readonly RepeatPurchaseHistory[],
): number {
  return groupedLogLikelihood(params, groupHistories(data).groups);
}

export type FitBgNbdOptions = FitOptions<BgNbdParams>;

const bgnbdSpec: ModelSpec<keyof BgNbdParams, HistoryGroup[]> = {
  name: 'BG/NBD',
  keys: ['r', 'alpha', 'a', 'b'],
  // With r = 1 the mean purchase rate is 1/alpha, so start alpha at age per repeat purchase.
  start: ({ totalAge, totalFrequency }) => ({ r: 1, alpha: totalAge / totalFrequency, a: 1, b: 1 }),
  prepare: ({ groups }) => groups,
  logLikelihood: groupedLogLikelihood,
};

/** Maximum-likelihood fit, optimising the log-parameters so all four stay positive. */
export function fitBgNbd(
  data: readonly RepeatPurchaseHistory[],
  options: FitBgNbdOptions = {},
): BgNbdModel {
  return fitRepeatPurchaseModel(bgnbdSpec, data, options);
}

/** Expected repeat transactions of a new customer in (0, t]: equation (7). */
export function bgnbdExpectedTransactions(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  const decay = Math.pow(alpha / (alpha + t), r);
  return overAMinusOne(a, (aa) => ({
    factor: aa + b - 1,
    decay,
    hyp: hyp2f1(r, b, aa + b - 1, z),
  }));
}

/** P(alive | history), from Fader, Hardie & Lee's note "Computing P(alive) Using the BG/NBD Model". */
export function bgnbdProbabilityAlive(params: BgNbdParams, history: RepeatPurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency, T } = history;
  if (x === 0) return 1;
  const logOdds =
    Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/** Expected repeat transactions in (T, T + t] given the history: equation (10). */
export function bgnbdConditionalExpectedTransactions(
  params: BgNbdParams,
  t: number,
  history: RepeatPurchaseHistory,
): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, T } = history;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const decay = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
  const numerator = overAMinusOne(a, (aa) => ({
    factor: aa + b + x - 1,
    decay,
    hyp: hyp2f1(r + x, b + x, aa + b + x - 1, z),
  }));
  return numerator * bgnbdProbabilityAlive(params, history);
}

/** P(X(t) = n) for a new customer: equation (8). */
export function bgnbdProbabilityOfTransactions(params: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = params;
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a whole number >= 0, got ${n}`);
  const logBetaAB = gammaln(a) + gammaln(b) - gammaln(a + b);
  const logStay = (x: number, y: number): number =>
    gammaln(x) + gammaln(y) - gammaln(x + y) - logBetaAB;
  const logNbd = (j: number): number =>
    gammaln(r + j) -
    gammaln(r) -
    gammaln(j + 1) +
    r * Math.log(alpha / (alpha + t)) +
    (j > 0 ? j * Math.log(t / (alpha + t)) : 0);
  let probability = Math.exp(logStay(a, b + n) + logNbd(n));
  if (n > 0) {
    let cumulative = 0;
    for (let j = 0; j < n; j += 1) cumulative += Math.exp(logNbd(j));
    probability += Math.exp(logStay(a + 1, b + n - 1)) * (1 - cumulative);
  }
  return probability;
}
