/**
 * Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", JMR 42(4); and Fader & Hardie (2013), "The Gamma-Gamma Model of
 * Monetary Value". Fitted on repeat buyers only, with the mean value of their repeat purchases.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { minimise } from './nelder-mead.ts';
import type { SpendHistory } from './types.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaModel extends GammaGammaParams {
  logLikelihood: number;
  /** Repeat buyers the model was fitted on. */
  customers: number;
  converged: boolean;
}

/** Customers the model can learn from: at least one repeat purchase of positive mean value. */
export function isRepeatBuyer(history: SpendHistory): boolean {
  return history.frequency > 0 && history.monetaryValue > 0;
}

interface FrequencyGroup {
  frequency: number;
  logMeans: Float64Array;
  means: Float64Array;
}

function groupRepeatBuyers(data: readonly SpendHistory[]): FrequencyGroup[] {
  const lists = new Map<number, number[]>();
  for (const history of data) {
    if (!isRepeatBuyer(history)) continue;
    const list = lists.get(history.frequency) ?? [];
    list.push(history.monetaryValue);
    lists.set(history.frequency, list);
  }
  return [...lists.entries()]
    .sort(([x], [y]) => x - y)
    .map(([frequency, means]) => ({
      frequency,
      means: Float64Array.from(means),
      logMeans: Float64Array.from(means, Math.log),
    }));
}

function groupedLogLikelihood(params: GammaGammaParams, groups: readonly FrequencyGroup[]): number {
  const { p, q, gamma } = params;
  const logGamma = Math.log(gamma);
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    const px = p * x;
    const count = group.means.length;
    // Density of the observed mean zbar given x (Fader & Hardie 2013, equation 4), in log space.
    total += count * (gammaln(px + q) - gammaln(px) - gammaln(q) + q * logGamma + px * Math.log(x));
    for (let i = 0; i < count; i += 1) {
      total +=
        (px - 1) * (group.logMeans[i] as number) -
        (px + q) * Math.log(gamma + x * (group.means[i] as number));
    }
  }
  return total;
}

/** Log-likelihood over the repeat buyers in `data` (others are left out, as in the papers). */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  data: readonly SpendHistory[],
): number {
  return groupedLogLikelihood(params, groupRepeatBuyers(data));
}

/** Maximum-likelihood fit on log-parameters; customers without repeat purchases are skipped. */
export function fitGammaGamma(
  data: readonly SpendHistory[],
  options: { start?: GammaGammaParams } = {},
): GammaGammaModel {
  const groups = groupRepeatBuyers(data);
  const customers = groups.reduce((sum, group) => sum + group.means.length, 0);
  if (customers < 2) throw new Error('Gamma-Gamma: need at least two repeat buyers to fit');
  let spendSum = 0;
  for (const group of groups) for (const mean of group.means) spendSum += mean;
  // p = 1, q = 2 gives a mean spend of gamma, so start gamma at the observed mean spend.
  const start = options.start ?? { p: 1, q: 2, gamma: spendSum / customers };
  const toParams = (logs: number[]): GammaGammaParams => ({
    p: Math.exp(logs[0] as number),
    q: Math.exp(logs[1] as number),
    gamma: Math.exp(logs[2] as number),
  });
  const result = minimise(
    (logs) => -groupedLogLikelihood(toParams(logs), groups),
    [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)],
  );
  return {
    ...toParams(result.x),
    logLikelihood: -result.fx,
    customers,
    converged: result.converged,
  };
}

/** Population mean spend per transaction, p * gamma / (q - 1); infinite when q <= 1. */
export function gammaGammaPopulationMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Number.POSITIVE_INFINITY;
}

/**
 * E[spend per transaction | x repeat purchases of mean zbar] = p (gamma + x zbar) / (p x + q - 1),
 * a weighted average of the population mean and the customer's own mean; with x = 0 it is the
 * population mean.
 */
export function gammaGammaConditionalExpectedSpend(
  params: GammaGammaParams,
  history: SpendHistory,
): number {
  const { p, q, gamma } = params;
  const x = history.frequency;
  const zbar = x > 0 ? history.monetaryValue : 0;
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}
