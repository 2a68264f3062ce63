/**
 * BG/NBD model: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
 * Marketing Science 24(2). Equation numbers below refer to that paper.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { minimise } from './nelder-mead.ts';
import type { RepeatPurchaseHistory, TimeUnit } from './types.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A fitted model: plain JSON, as `loopdesk models show --json` prints it. */
export interface BgNbdModel extends BgNbdParams {
  logLikelihood: number;
  customers: number;
  timeUnit: TimeUnit;
  converged: boolean;
}

function logAddExp(x: number, y: number): number {
  const max = Math.max(x, y);
  return max + Math.log(Math.exp(x - max) + Math.exp(y - max));
}

function checkHistory(history: RepeatPurchaseHistory, index: number): void {
  const { frequency, recency, T } = history;
  if (!Number.isInteger(frequency) || frequency < 0) {
    throw new Error(`customer ${index}: frequency must be a whole number >= 0, got ${frequency}`);
  }
  if (!(recency >= 0) || !(T >= recency)) {
    throw new Error(`customer ${index}: need 0 <= recency <= T, got recency ${recency}, T ${T}`);
  }
  if (frequency > 0 && !(recency > 0)) {
    throw new Error(`customer ${index}: repeat buyer with recency 0`);
  }
}

/**
 * The data grouped by frequency, because the gamma-function terms depend on the parameters and
 * frequency only: the fit then calls log-gamma a few dozen times per evaluation, not per customer.
 */
interface FrequencyGroup {
  frequency: number;
  recencies: Float64Array;
  ages: Float64Array;
}

function groupByFrequency(data: readonly RepeatPurchaseHistory[]): FrequencyGroup[] {
  const lists = new Map<number, { recencies: number[]; ages: number[] }>();
  data.forEach((history, index) => {
    checkHistory(history, index + 1);
    let list = lists.get(history.frequency);
    if (!list) {
      list = { recencies: [], ages: [] };
      lists.set(history.frequency, list);
    }
    list.recencies.push(history.recency);
    list.ages.push(history.T);
  });
  return [...lists.entries()]
    .sort(([x], [y]) => x - y)
    .map(([frequency, list]) => ({
      frequency,
      recencies: Float64Array.from(list.recencies),
      ages: Float64Array.from(list.ages),
    }));
}

function groupedLogLikelihood(params: BgNbdParams, groups: readonly FrequencyGroup[]): number {
  const { r, alpha, a, b } = params;
  const logAlpha = Math.log(alpha);
  const sharedTerms = -gammaln(r) + r * logAlpha + gammaln(a + b) - gammaln(b);
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    // Equation (6): L = A1 * A2 * (A3 + A4), each term taken in log space.
    const logA1A2 = sharedTerms + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
    const logA4Factor = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    const count = group.ages.length;
    total += count * logA1A2;
    for (let i = 0; i < count; i += 1) {
      const logA3 = -(r + x) * Math.log(alpha + (group.ages[i] as number));
      if (x > 0) {
        const logA4 = logA4Factor - (r + x) * Math.log(alpha + (group.recencies[i] as number));
        total += logAddExp(logA3, logA4);
      } else {
        total += logA3;
      }
    }
  }
  return total;
}

/** Sum of the individual log-likelihoods (equation 6) over the customers. */
export function bgnbdLogLikelihood(
  params: BgNbdParams,
  data: readonly RepeatPurchaseHistory[],
): number {
  return groupedLogLikelihood(params, groupByFrequency(data));
}

export interface FitBgNbdOptions {
  timeUnit?: TimeUnit;
  /** Starting point; defaults to r = a = b = 1 and alpha from the observed purchase rate. */
  start?: BgNbdParams;
}

/** Maximum-likelihood fit, optimising the log-parameters so all four stay positive. */
export function fitBgNbd(
  data: readonly RepeatPurchaseHistory[],
  options: FitBgNbdOptions = {},
): BgNbdModel {
  if (data.length === 0) throw new Error('BG/NBD: no customers to fit');
  const groups = groupByFrequency(data);
  let totalFrequency = 0;
  let totalAge = 0;
  for (const history of data) {
    totalFrequency += history.frequency;
    totalAge += history.T;
  }
  if (totalFrequency === 0) throw new Error('BG/NBD: no repeat purchases, nothing to fit');
  // With r = 1 the mean purchase rate is 1/alpha, so start alpha at age per repeat purchase.
  const start = options.start ?? { r: 1, alpha: totalAge / totalFrequency, a: 1, b: 1 };
  const toParams = (logs: number[]): BgNbdParams => ({
    r: Math.exp(logs[0] as number),
    alpha: Math.exp(logs[1] as number),
    a: Math.exp(logs[2] as number),
    b: Math.exp(logs[3] as number),
  });
  const result = minimise(
    (logs) => -groupedLogLikelihood(toParams(logs), groups),
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)],
  );
  return {
    ...toParams(result.x),
    logLikelihood: -result.fx,
    customers: data.length,
    timeUnit: options.timeUnit ?? 'weeks',
    converged: result.converged,
  };
}

/** Expected repeat transactions of a new customer in (0, t]: equation (7). */
export function bgnbdExpectedTransactions(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return (
    ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z))
  );
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
  const logDecay = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  const numerator =
    ((a + b + x - 1) / (a - 1)) * (1 - Math.exp(logDecay) * hyp2f1(r + x, b + x, a + b + x - 1, z));
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
