/**
 * Pareto/NBD model: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are
 * They and What Will They Do Next?", Management Science 33(1). Purchases at rate lambda ~
 * Gamma(r, alpha) while alive; an exponential lifetime with rate mu ~ Gamma(s, beta).
 *
 * The likelihood is the one in Fader, Hardie & Lee (2005), "A Note on Implementing the
 * Pareto/NBD Model in MATLAB" (FHL below):
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       * [ 1 / ((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) * A0 ],
 * with A0 written through the Gaussian hypergeometric function 2F1(a, b; a+1; z) at
 * z = |alpha-beta| / (max(alpha, beta) + t), which lies in [0, 1) whichever of alpha, beta is
 * larger. P(alive) and the expectations are those of Fader & Hardie (2005), "A Note on Deriving
 * the Pareto/NBD Model and Related Expressions" (FH below).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import {
  fitRepeatPurchaseModel,
  type FitOptions,
  type FittedModel,
  type ModelSpec,
} from './repeat-purchase-fit.ts';
import { groupHistories, logAddExp, type HistoryGroup } from './repeat-purchase-groups.ts';
import type { RepeatPurchaseHistory } from './types.ts';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** A fitted model: plain JSON, like BgNbdModel. */
export type ParetoNbdModel = FittedModel<ParetoNbdParams>;

/**
 * Largest z at which @stdlib's hyp2f1 is used. Up to 0.9 it sums the series of the Euler-
 * transformed function below term by term, exact to rounding. Above 0.9 it may switch to the
 * Cephes expansions about z = 1 (Abramowitz & Stegun 15.3.6, or 15.3.10-12 when b is whole),
 * which break down where this model goes when customers hardly churn (s and beta grow
 * together) or the purchase and dropout scales are far apart: Gamma(r+s+x+1) overflows once
 * r + s + x passes about 170 and the result is NaN, and as b nears a whole number the two
 * halves' poles cancel, with relative errors up to 1e-6. Past this z, A0 is integrated directly.
 */
const HYP2F1_MAX_Z = 0.9;

/**
 * log 2F1(a, b; a+1; z) for a > 0, 0 < b < a + 1, 0 <= z <= HYP2F1_MAX_Z. Euler's
 * transformation (A&S 15.3.3) gives (1-z)^(1-b) 2F1(1, a+1-b; a+1; z); that series has positive
 * terms, each at most z times the one before, so it stays below 1/(1-z) and sums without
 * cancellation, while the power of 1 - z, which overflows for large b, is taken as a logarithm.
 */
function logHyp2f1Shifted(a: number, b: number, z: number): number {
  if (z === 0) return 0;
  return (1 - b) * Math.log1p(-z) + Math.log(hyp2f1(1, a + 1 - b, a + 1, z));
}

/** Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on the Legendre recurrence. */
function gaussLegendre(order: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(order);
  const weights = new Float64Array(order);
  for (let i = 0; i < order; i += 1) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let previous = 1;
      let current = x;
      for (let k = 1; k < order; k += 1) {
        const next = ((2 * k + 1) * x * current - k * previous) / (k + 1);
        previous = current;
        current = next;
      }
      derivative = (order * (x * current - previous)) / (x * x - 1);
      const step = current / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}

const GAUSS_8 = gaussLegendre(8);
const GAUSS_16 = gaussLegendre(16);

/**
 * log of the integral of (alpha+tau)^(-p) (beta+tau)^(-q) over tau in [from, to], q > 1, by
 * Gauss-Legendre quadrature. This is what A0 stands for: s A0/(r+s+x) is the chance of the
 * history with death between t_x and T, so A0 = (r+s+x) * this integral with p = r+x, q = s+1.
 *
 * With n = min(alpha, beta), m = max and y = ln(n + tau), the integrand times dtau is
 * exp(psi(y)) dy, psi(y) = (1-P) y - Q ln(m-n + e^y), where P and Q are the exponents of the n
 * and m factors. psi is concave, so the integrand has one peak; panels step out from it until
 * the integrand has fallen by e^-45 or the interval ends. On a panel of width h where |psi'| is
 * at most g and |psi''| at most c, the Gauss-Legendre error relative to the panel's integral is
 * about (h (g + sqrt c))^(2k) (k!)^4 / ((2k+1) ((2k)!)^3) for k nodes: below 1e-18 with 8 nodes
 * when h (g + sqrt c) <= 2 and with 16 nodes up to 14, so panels are sized to that. Large
 * exponents only narrow the panels, which is why this holds where the hypergeometric form
 * breaks down.
 */
function logPowerProductIntegral(
  alpha: number,
  p: number,
  beta: number,
  q: number,
  from: number,
  to: number,
): number {
  if (!(to > from)) return Number.NEGATIVE_INFINITY;
  const alphaSmaller = alpha <= beta;
  const n = alphaSmaller ? alpha : beta;
  const P = alphaSmaller ? p : q;
  const Q = alphaSmaller ? q : p;
  const logGap = Math.log((alphaSmaller ? beta : alpha) - n);
  const start = Math.log(n + from);
  const end = Math.log(n + to);
  // psi' = 0 where e^y = (1-P)(m-n)/(P+Q-1), which exists only when P < 1.
  let peak = start;
  if (P < 1 && Number.isFinite(logGap)) {
    peak = Math.min(end, Math.max(start, Math.log1p(-P) + logGap - Math.log(P + Q - 1)));
  }
  // e^y/(m-n + e^y): psi' = 1 - P - Q w and psi'' = -Q w (1-w).
  const share = (y: number): number => 1 / (1 + Math.exp(logGap - y));
  const peakShare = share(peak);
  // psi(y) - psi(peak), written so that no large terms cancel.
  const fall = (y: number): number =>
    (1 - P) * (y - peak) - Q * Math.log1p(peakShare * Math.expm1(y - peak));
  // g + sqrt(c) over [y0, y1]: psi' is monotone, and w (1-w) peaks at w = 1/2 (y = ln(m-n)).
  const steepness = (y0: number, y1: number): number => {
    const w0 = share(y0);
    const w1 = share(y1);
    const slope = Math.max(Math.abs(1 - P - Q * w0), Math.abs(1 - P - Q * w1));
    const inside = logGap > Math.min(y0, y1) && logGap < Math.max(y0, y1);
    const bend = inside ? 0.25 : Math.max(w0 * (1 - w0), w1 * (1 - w1));
    return slope + Math.sqrt(Q * bend);
  };
  const side = (limit: number): number => {
    const direction = limit > peak ? 1 : -1;
    let y = peak;
    let total = 0;
    for (let panels = 0; direction * (limit - y) > 0 && panels < 10_000; panels += 1) {
      let width = Math.min(direction * (limit - y), 4);
      let spread = width * steepness(y, y + direction * width);
      while (spread > 14 && width > 1e-12) {
        width *= Math.max(0.1, (0.9 * 14) / spread);
        spread = width * steepness(y, y + direction * width);
      }
      const rule = spread <= 2 ? GAUSS_8 : GAUSS_16;
      const middle = y + (direction * width) / 2;
      let sum = 0;
      for (let k = 0; k < rule.nodes.length; k += 1) {
        const node = middle + ((rule.nodes[k] as number) * width) / 2;
        sum += (rule.weights[k] as number) * Math.exp(fall(node));
      }
      total += (sum * width) / 2;
      y += direction * width;
      if (fall(y) < -45) break;
    }
    return total;
  };
  const psiPeak = (1 - P) * peak - Q * logAddExp(logGap, peak);
  return psiPeak + Math.log(side(end) + side(start));
}

/**
 * log A0 for one history. FHL's form: with a = r+s+x, m = max(alpha, beta), and b = s+1 when
 * alpha >= beta or r+x when alpha < beta,
 *   A0 = 2F1(a, b; a+1; z(t_x)) / (m+t_x)^a - 2F1(a, b; a+1; z(T)) / (m+T)^a,
 * both terms as logarithms so large a cannot overflow. -Infinity when t_x = T (no room to die
 * unseen after the last purchase).
 */
function logA0(params: ParetoNbdParams, x: number, recency: number, T: number): number {
  const { r, alpha, s, beta } = params;
  if (!(T > recency)) return Number.NEGATIVE_INFINITY;
  const a = r + s + x;
  const m = Math.max(alpha, beta);
  const gap = Math.abs(alpha - beta);
  const zRecency = gap / (m + recency);
  if (zRecency > HYP2F1_MAX_Z) {
    return Math.log(a) + logPowerProductIntegral(alpha, r + x, beta, s + 1, recency, T);
  }
  const b = alpha >= beta ? s + 1 : r + x;
  const atRecency = logHyp2f1Shifted(a, b, zRecency) - a * Math.log(m + recency);
  const atAge = logHyp2f1Shifted(a, b, gap / (m + T)) - a * Math.log(m + T);
  return logSubExp(atRecency, atAge);
}

/** log(e^x - e^y) for y <= x; -Infinity when rounding leaves nothing of the difference. */
function logSubExp(x: number, y: number): number {
  const difference = y - x;
  if (!(difference < 0)) return Number.NEGATIVE_INFINITY;
  return (
    x +
    (difference > -Math.LN2 ? Math.log(-Math.expm1(difference)) : Math.log1p(-Math.exp(difference)))
  );
}

/**
 * Per frequency, the distinct recencies and ages, so each 2F1 term is computed once for all
 * the customers who share it (every one-time buyer has recency 0).
 */
interface ParetoGroup extends HistoryGroup {
  customers: number;
  distinctRecencies: Float64Array;
  recencyIndex: Int32Array;
  distinctAges: Float64Array;
  ageIndex: Int32Array;
}

function indexDistinct(values: Float64Array): { distinct: Float64Array; index: Int32Array } {
  const positions = new Map<number, number>();
  const index = new Int32Array(values.length);
  values.forEach((value, i) => {
    let position = positions.get(value);
    if (position === undefined) {
      position = positions.size;
      positions.set(value, position);
    }
    index[i] = position;
  });
  return { distinct: Float64Array.from(positions.keys()), index };
}

function toParetoGroups(groups: readonly HistoryGroup[]): ParetoGroup[] {
  return groups.map((group) => {
    const recencies = indexDistinct(group.recencies);
    const ages = indexDistinct(group.ages);
    return {
      ...group,
      customers: group.counts.reduce((sum, count) => sum + count, 0),
      distinctRecencies: recencies.distinct,
      recencyIndex: recencies.index,
      distinctAges: ages.distinct,
      ageIndex: ages.index,
    };
  });
}

function groupedLogLikelihood(params: ParetoNbdParams, groups: readonly ParetoGroup[]): number {
  const { r, alpha, s, beta } = params;
  const shared = -gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
  const m = Math.max(alpha, beta);
  const gap = Math.abs(alpha - beta);
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    const a = r + s + x;
    const b = alpha >= beta ? s + 1 : r + x;
    const logDeathWeight = Math.log(s) - Math.log(a);
    // log(2F1 / (m+t)^a) at each distinct t; NaN where z is past the series' range, and a
    // history whose recency is there has A0 integrated instead (z(T) <= z(t_x) always).
    const tail = (t: number): number => {
      const z = gap / (m + t);
      return z > HYP2F1_MAX_Z ? Number.NaN : logHyp2f1Shifted(a, b, z) - a * Math.log(m + t);
    };
    const atRecency = Float64Array.from(group.distinctRecencies, tail);
    const atAge = Float64Array.from(group.distinctAges, tail);
    const aliveAt = Float64Array.from(
      group.distinctAges,
      (T) => -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T),
    );
    let groupTotal = 0;
    for (let i = 0; i < group.counts.length; i += 1) {
      const recency = group.recencies[i] as number;
      const T = group.ages[i] as number;
      const fromRecency = atRecency[group.recencyIndex[i] as number] as number;
      let logA0Value: number;
      if (!(T > recency)) logA0Value = Number.NEGATIVE_INFINITY;
      else if (Number.isNaN(fromRecency)) {
        logA0Value = Math.log(a) + logPowerProductIntegral(alpha, r + x, beta, s + 1, recency, T);
      } else {
        logA0Value = logSubExp(fromRecency, atAge[group.ageIndex[i] as number] as number);
      }
      const alive = aliveAt[group.ageIndex[i] as number] as number;
      groupTotal += (group.counts[i] as number) * logAddExp(alive, logDeathWeight + logA0Value);
    }
    total += groupTotal + group.customers * (shared + gammaln(r + x));
  }
  return total;
}

/** Sum of the individual log-likelihoods (FHL) over the customers. */
export function paretoNbdLogLikelihood(
  params: ParetoNbdParams,
  data: readonly RepeatPurchaseHistory[],
): number {
  return groupedLogLikelihood(params, toParetoGroups(groupHistories(data).groups));
}

export type FitParetoNbdOptions = FitOptions<ParetoNbdParams>;

/**
 * Where the fit stops s. When the data show no spread in dropout rates, s and beta grow together
 * without end (their ratio, the mean dropout rate, stays put) at an ever flatter likelihood:
 * CDNOW as of 1997-04-30 walked to s = 2.6e5 for 15 s, gaining 1e-4 in log-likelihood after
 * s = 1e4. At s = 1e4 the dropout rates' coefficient of variation is 1 %, so they are one rate.
 * The optimiser moves in log r, log alpha, logit(s / MAX_S) and log(beta / s): along that ridge
 * only the third coordinate moves, and the likelihood goes flat in it, so the fit ends.
 */
const MAX_S = 1e4;

const paretoNbdSpec: ModelSpec<keyof ParetoNbdParams, ParetoGroup[]> = {
  name: 'Pareto/NBD',
  keys: ['r', 'alpha', 's', 'beta'],
  coordinates: {
    toParams: ([logR, logAlpha, logitS, logBetaPerS]) => {
      const s = MAX_S / (1 + Math.exp(-(logitS as number)));
      return {
        r: Math.exp(logR as number),
        alpha: Math.exp(logAlpha as number),
        s,
        beta: s * Math.exp(logBetaPerS as number),
      };
    },
    fromParams: ({ r, alpha, s, beta }) => {
      const below = Math.min(s, MAX_S * (1 - 1e-9));
      return [Math.log(r), Math.log(alpha), Math.log(below / (MAX_S - below)), Math.log(beta / s)];
    },
  },
  // With r = 1 the mean purchase rate is 1/alpha; beta = alpha starts the 2F1 terms at z = 0.
  start: ({ totalAge, totalFrequency }) => {
    const rate = totalAge / totalFrequency;
    return { r: 1, alpha: rate, s: 1, beta: rate };
  },
  prepare: ({ groups }) => toParetoGroups(groups),
  logLikelihood: groupedLogLikelihood,
};

/** Maximum-likelihood fit, optimising the log-parameters so all four stay positive. */
export function fitParetoNbd(
  data: readonly RepeatPurchaseHistory[],
  options: FitParetoNbdOptions = {},
): ParetoNbdModel {
  return fitRepeatPurchaseModel(paretoNbdSpec, data, options);
}

/**
 * beta/(s-1) * (1 - (beta/(beta+t))^(s-1)), the expected lifetime spent in (0, t] at a
 * dropout rate mu ~ Gamma(s, beta); written with expm1 so it stays exact as s nears 1, where it
 * tends to beta ln(1 + t/beta).
 */
function expectedTimeAlive(s: number, beta: number, t: number): number {
  const logGrowth = Math.log1p(t / beta);
  const shape = s - 1;
  if (shape === 0) return beta * logGrowth;
  return (beta * -Math.expm1(-shape * logGrowth)) / shape;
}

/** Expected repeat purchases of a new customer in (0, t] (FH): r/alpha times time alive. */
export function paretoNbdExpectedTransactions(params: ParetoNbdParams, t: number): number {
  const { r, alpha, s, beta } = params;
  if (t <= 0) return 0;
  return (r / alpha) * expectedTimeAlive(s, beta, t);
}

/**
 * P(alive | history) (FH): 1 / (1 + s/(r+s+x) * (alpha+T)^(r+x) (beta+T)^s * A0), the "alive at
 * T" share of the likelihood. 1 when the last purchase was at T.
 */
export function paretoNbdProbabilityAlive(
  params: ParetoNbdParams,
  history: RepeatPurchaseHistory,
): number {
  const { r, alpha, s, beta } = params;
  const { frequency: x, recency, T } = history;
  const logOdds =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(params, x, recency, T);
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected repeat purchases in (T, T + t] given the history (FH): alive at T, the rates are
 * lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T), so the mean is (r+x)/(alpha+T) times
 * the expected time alive in the next t, times P(alive).
 */
export function paretoNbdConditionalExpectedTransactions(
  params: ParetoNbdParams,
  t: number,
  history: RepeatPurchaseHistory,
): number {
  const { r, alpha, s, beta } = params;
  const { frequency: x, T } = history;
  if (t <= 0) return 0;
  return (
    ((r + x) / (alpha + T)) *
    expectedTimeAlive(s, beta + T, t) *
    paretoNbdProbabilityAlive(params, history)
  );
}
