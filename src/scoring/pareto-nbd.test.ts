import gammaln from '@stdlib/math-base-special-gammaln';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  datasetsRequired,
  findDataset,
  readCdnowSample,
  readCsvRecords,
} from '../../bench/scoring-datasets.ts';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  summariseTransactions,
  type CustomerSummary,
  type ParetoNbdModel,
  type ParetoNbdParams,
  type RepeatPurchaseHistory,
} from './index.ts';

/**
 * Fader, Hardie & Lee (2005), "A Note on Implementing the Pareto/NBD Model in MATLAB": the
 * maximum-likelihood estimates and log-likelihood for the 2,357-customer CDNOW cohort.
 */
const PUBLISHED: ParetoNbdParams = { r: 0.5533, alpha: 10.5776, s: 0.6061, beta: 11.6689 };
const PUBLISHED_LOG_LIKELIHOOD = -9594.9762;
/** The BTYD package's estimates on the same cohort, used in its walkthrough vignette. */
const BTYD: ParetoNbdParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };

function expectWithinRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

function history(frequency: number, recency: number, T: number): RepeatPurchaseHistory {
  return { frequency, recency, T };
}

/**
 * High-precision reference for log 2F1(a, b; c; z), a, b, c > 0, 0 <= z < 1: the defining power
 * series summed term by term (all terms positive, so nothing cancels) until the terms are
 * falling and below 1e-18 of the sum, rescaled as it goes so large terms cannot overflow. Near
 * z = 1 that takes up to a few million terms; no transformation of the function is involved.
 */
function logHyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let k = 0; k < 20_000_000; k += 1) {
    const ratio = ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    term *= ratio;
    sum += term;
    if (sum > 1e250) {
      sum *= 1e-250;
      term *= 1e-250;
      logScale += 250 * Math.LN10;
    }
    if (ratio < 1 && term < 1e-18 * sum) return logScale + Math.log(sum);
  }
  throw new Error('reference series did not converge');
}

/** FHL's individual log-likelihood with A0 from the reference series. */
function referenceLogLikelihood(params: ParetoNbdParams, h: RepeatPurchaseHistory): number {
  const { r, alpha, s, beta } = params;
  const { frequency: x, recency, T } = h;
  const a = r + s + x;
  const b = alpha >= beta ? s + 1 : r + x;
  const m = Math.max(alpha, beta);
  const gap = Math.abs(alpha - beta);
  const atRecency = logHyp2f1Series(a, b, a + 1, gap / (m + recency)) - a * Math.log(m + recency);
  const atAge = logHyp2f1Series(a, b, a + 1, gap / (m + T)) - a * Math.log(m + T);
  const logA0 = atRecency + Math.log1p(-Math.exp(atAge - atRecency));
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s) - Math.log(a) + logA0;
  const max = Math.max(alive, died);
  return (
    gammaln(r + x) -
    gammaln(r) +
    r * Math.log(alpha) +
    s * Math.log(beta) +
    max +
    Math.log(Math.exp(alive - max) + Math.exp(died - max))
  );
}

describe('Pareto/NBD closed forms', () => {
  test("P(alive) and conditional expectation match the BTYD walkthrough's customer 1516", () => {
    // BTYD walkthrough (Dziurzynski, Wadsworth & McCarthy), section on the Pareto/NBD: the
    // customer with x = 26, t_x = 30.86, T = 31 is alive with probability 0.9979 and expected
    // to make 25.46 repeat purchases in the next 52 weeks (both also in lifetimes' tests).
    const customer = history(26, 30.86, 31);
    expect(Math.abs(paretoNbdProbabilityAlive(BTYD, customer) - 0.9979)).toBeLessThan(1e-4);
    expect(
      Math.abs(paretoNbdConditionalExpectedTransactions(BTYD, 52, customer) - 25.46),
    ).toBeLessThan(0.01);
    // BTYD manual, pnbd.PAlive example: a customer with no repeat purchases in 39 weeks is alive
    // with probability 0.2941633 (at BTYD's unrounded estimates, hence the tolerance).
    expect(Math.abs(paretoNbdProbabilityAlive(BTYD, history(0, 0, 39)) - 0.2941633)).toBeLessThan(
      1e-4,
    );
    // A purchase at T leaves no time to have died unseen.
    expect(paretoNbdProbabilityAlive(BTYD, history(23, 39, 39))).toBe(1);
  });

  test('E[X(t)] matches the BTYD manual (pnbd.Expectation, as in lifetimes tests)', () => {
    // The manual's example parameters, t = 0..9; lifetimes' test_expectation_returns_same_value_
    // as_R_BTYD quotes these values.
    const params = { r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 };
    const expected = [
      0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159,
      0.35181024, 0.38909211,
    ];
    expected.forEach((value, t) => {
      expect(Math.abs(paretoNbdExpectedTransactions(params, t) - value)).toBeLessThan(5e-9);
    });
  });

  test('expectations stay continuous through s = 1, where 1/(s-1) becomes a logarithm', () => {
    const at = (s: number): number => paretoNbdExpectedTransactions({ ...BTYD, s }, 39);
    // s = 1: (r/alpha) beta ln(1 + t/beta).
    expect(at(1)).toBeCloseTo((BTYD.r / BTYD.alpha) * BTYD.beta * Math.log1p(39 / BTYD.beta), 14);
    expect(Math.abs(at(1 + 1e-12) - at(1))).toBeLessThan(1e-12);
    expect(Math.abs(at(1 - 1e-9) - at(1))).toBeLessThan(1e-9);
    const customer = history(4, 20, 39);
    const conditional = (s: number): number =>
      paretoNbdConditionalExpectedTransactions({ ...BTYD, s }, 39, customer);
    expect(Math.abs(conditional(1 + 1e-12) - conditional(1))).toBeLessThan(1e-11);
  });

  test('alpha = beta, where the 2F1 terms are 1, gives the elementary likelihood', () => {
    const params = { r: 0.7, alpha: 9, s: 1.3, beta: 9 };
    const customer = history(4, 12.5, 39);
    const a = params.r + params.s + 4;
    const A0 = Math.pow(9 + 12.5, -a) - Math.pow(9 + 39, -a);
    const expected =
      gammaln(4.7) -
      gammaln(0.7) +
      2 * Math.log(9) +
      Math.log(Math.pow(48, -4.7) * Math.pow(48, -1.3) + (1.3 / a) * A0);
    expect(paretoNbdLogLikelihood(params, [customer])).toBeCloseTo(expected, 12);
  });

  test('rejects impossible histories and data it cannot fit', () => {
    expect(() => paretoNbdLogLikelihood(PUBLISHED, [history(1, 5, 4)])).toThrow(
      /customer 1: need 0 <= recency <= T/,
    );
    expect(() => paretoNbdLogLikelihood(PUBLISHED, [history(2, 0, 4)])).toThrow(/recency 0/);
    expect(() => fitParetoNbd([])).toThrow(/no customers/);
    expect(() => fitParetoNbd([history(0, 0, 3)])).toThrow(/no repeat purchases/);
  });
});

/**
 * Where @stdlib's hyp2f1 loses precision: z = |alpha - beta| / (max + t) near 1, with large
 * r + s + x (it returns NaN once Gamma(r+s+x+1) overflows) or b near a whole number (relative
 * errors up to 1e-6). That is where fits go when customers hardly churn (s and beta grow
 * together) or the purchase and dropout scales are far apart, so the model integrates A0
 * directly there; these check it against references that use neither method.
 */
describe('Pareto/NBD where the hypergeometric function is hard', () => {
  // Per-customer log-likelihood and P(alive) from FHL's formulas evaluated in 60-digit
  // arithmetic (Python mpmath: mp.hyp2f1 and mp.gamma at mp.dps = 60), with the z at t_x.
  const cases: {
    params: ParetoNbdParams;
    customer: RepeatPurchaseHistory;
    logLikelihood: number;
    pAlive: number;
    z: number;
  }[] = [
    {
      // No-churn drift: s = 1e5, r+s+x = 100001.5.
      params: { r: 0.5, alpha: 10, s: 1e5, beta: 1e6 },
      customer: history(1, 30, 39),
      logLikelihood: -8.273091996762837,
      pAlive: 0.36552630355050714,
      z: 0.99996,
    },
    {
      params: { r: 0.5, alpha: 10, s: 1000, beta: 1e4 },
      customer: history(5, 20, 32.5),
      logLikelihood: -17.07975764416005,
      pAlive: 0.10534618340476487,
      z: 0.997,
    },
    {
      // b = r + x = 2, a whole number: the 1 - z connection formula's two poles meet.
      params: { r: 2, alpha: 0.001, s: 0.7, beta: 10 },
      customer: history(0, 0, 39),
      logLikelihood: -9.56834638552541,
      pAlive: 3.0916569231872117e-6,
      z: 0.9999,
    },
    {
      // alpha > beta, b = s + 1 = 1.9999999, and t_x all but T.
      params: { r: 0.3, alpha: 1e5, s: 0.9999999, beta: 1 },
      customer: history(3, 38.9999, 39),
      logLikelihood: -38.33763914615737,
      pAlive: 0.9999975000002458,
      z: 0.9996,
    },
    {
      // 500 repeat purchases: (m + t)^(r+s+x) overflows unless taken as a logarithm.
      params: { r: 40, alpha: 2, s: 300, beta: 8e4 },
      customer: history(500, 38.9, 39),
      logLikelihood: 770.8404182744187,
      pAlive: 0.9992222523564345,
      z: 0.9995,
    },
    {
      params: { r: 0.5, alpha: 1, s: 300, beta: 50 },
      customer: history(2, 0.5, 39),
      logLikelihood: -4.517139819916392,
      pAlive: 5.077845586637644e-78,
      z: 0.97,
    },
  ];

  test.each(cases)('matches 60-digit values at z = $z', ({ params, customer, ...expected }) => {
    const logLikelihood = paretoNbdLogLikelihood(params, [customer]);
    // |log L| up to ~1e6 here, so 1e-16 relative rounding of the large terms is ~1e-10.
    expect(Math.abs(logLikelihood - expected.logLikelihood)).toBeLessThan(1e-9);
    expectWithinRelative(paretoNbdProbabilityAlive(params, customer), expected.pAlive, 1e-9);
    // The reference series agrees as well, so the constants above are not the only witness.
    expect(
      Math.abs(referenceLogLikelihood(params, customer) - expected.logLikelihood),
    ).toBeLessThan(1e-8);
  });

  test('matches the closed form that r + s = 1 gives one-time buyers, with z up to 1 - 2e-6', () => {
    // x = 0 and r + s = 1 make the A0 integrand (alpha+u)^-r (beta+u)^(r-2) an exact derivative:
    // A0 = [((alpha+T)/(beta+T))^(1-r) - (alpha/beta)^(1-r)] / ((1-r)(beta-alpha)).
    const closedForm = (params: ParetoNbdParams, T: number): number => {
      const { r, alpha, s, beta } = params;
      const A0 =
        (Math.pow((alpha + T) / (beta + T), 1 - r) - Math.pow(alpha / beta, 1 - r)) /
        ((1 - r) * (beta - alpha));
      return (
        r * Math.log(alpha) +
        s * Math.log(beta) +
        Math.log(Math.pow(alpha + T, -r) * Math.pow(beta + T, -s) + s * A0)
      );
    };
    for (const params of [
      { r: 0.3, alpha: 1e-4, s: 0.7, beta: 50 },
      { r: 0.3, alpha: 50, s: 0.7, beta: 1e-4 },
      { r: 1e-7, alpha: 1e4, s: 1 - 1e-7, beta: 1 },
      { r: 0.95, alpha: 0.5, s: 0.05, beta: 4.5 },
      { r: 0.95, alpha: 0.5, s: 0.05, beta: 5.5 },
    ]) {
      for (const T of [0.5, 39, 520]) {
        const expected = closedForm(params, T);
        expect(
          Math.abs(paretoNbdLogLikelihood(params, [history(0, 0, T)]) - expected),
        ).toBeLessThan(1e-12 * (1 + Math.abs(expected)));
      }
    }
  });

  test('the switch from the series to the integral at z = 0.9 is seamless', () => {
    // t_x = 0 puts z at 1 - alpha/beta, so beta = 10 alpha (1 -+ 1e-12) lands on either side.
    const customers = [history(0, 0, 39), history(0, 0, 27.5)];
    for (const base of [
      { r: 0.5, alpha: 3, s: 0.8 },
      { r: 6, alpha: 0.7, s: 40 },
    ]) {
      const at = (beta: number): number => paretoNbdLogLikelihood({ ...base, beta }, customers);
      const below = at(10 * base.alpha * (1 - 1e-12));
      const above = at(10 * base.alpha * (1 + 1e-12));
      expect(Math.abs(above - below)).toBeLessThan(1e-11);
      const reference = customers.reduce(
        (sum, customer) =>
          sum + referenceLogLikelihood({ ...base, beta: 10 * base.alpha }, customer),
        0,
      );
      expect(Math.abs(below - reference)).toBeLessThan(1e-10);
    }
  });
});

const sample = findDataset('cdnow/CDNOW_sample.txt');
const summaryFile = findDataset('cdnow/cdnow_customers_summary.csv');
const missing = sample.reason ?? summaryFile.reason;
if (missing && !datasetsRequired)
  console.warn(`pareto-nbd.test.ts: CDNOW checks skipped: ${missing}`);

describe.skipIf(missing !== null && !datasetsRequired)('Pareto/NBD on CDNOW', () => {
  let summaries: CustomerSummary[];
  let model: ParetoNbdModel;

  beforeAll(() => {
    if (!sample.path) throw new Error(missing ?? 'data set missing');
    summaries = summariseTransactions(readCdnowSample(sample.path), { asOf: '1997-09-30' });
    model = fitParetoNbd(summaries);
  });

  test('log-likelihood at the published parameters is the published -9594.9762', () => {
    expect(paretoNbdLogLikelihood(PUBLISHED, summaries)).toBeCloseTo(PUBLISHED_LOG_LIKELIHOOD, 3);
    // The shared summary file rounds recency and T to 0.01 weeks, which moves it by 0.002.
    if (!summaryFile.path) throw new Error(missing ?? 'data set missing');
    const rounded = readCsvRecords(summaryFile.path).map((row) =>
      history(Number(row.frequency), Number(row.recency), Number(row.T)),
    );
    expect(
      Math.abs(paretoNbdLogLikelihood(PUBLISHED, rounded) - PUBLISHED_LOG_LIKELIHOOD),
    ).toBeLessThan(0.01);
  });

  test("fit from the 2,357 customers' transactions as of 1997-09-30 reproduces the note", () => {
    expect(model.customers).toBe(2357);
    expect(model.timeUnit).toBe('weeks');
    expect(model.converged).toBe(true);
    expectWithinRelative(model.r, PUBLISHED.r, 0.01);
    expectWithinRelative(model.alpha, PUBLISHED.alpha, 0.01);
    expectWithinRelative(model.s, PUBLISHED.s, 0.01);
    expectWithinRelative(model.beta, PUBLISHED.beta, 0.01);
    expect(Math.abs(model.logLikelihood - PUBLISHED_LOG_LIKELIHOOD)).toBeLessThanOrEqual(0.1);
  });

  test('P(alive) and holdout forecasts match the published ones', () => {
    // BTYDplus demo/cdnow.r, at BTYD's estimates: summary(pnbd.PAlive(...)) over the cohort,
    // quartiles and mean 0.3174, 0.3499, 0.4462 (mean), 0.4763, to R's four digits.
    const alive = summaries.map((s) => paretoNbdProbabilityAlive(BTYD, s)).sort((x, y) => x - y);
    const quantile = (p: number): number => alive[Math.floor(p * (alive.length - 1))] as number;
    expect(quantile(0.25)).toBeCloseTo(0.3174, 4);
    expect(quantile(0.5)).toBeCloseTo(0.3499, 4);
    expect(quantile(0.75)).toBeCloseTo(0.4763, 4);
    expect(alive.reduce((sum, p) => sum + p, 0) / alive.length).toBeCloseTo(0.4462, 4);
    expect(alive[alive.length - 1]).toBe(1);

    // The same demo, for its fitted model: mean forecast of the 39-week holdout by calibration
    // frequency x = 0..5, and the cohort total 11.5 % below the 1,882 actual.
    const byFrequency = [0.14, 0.6, 1.2, 1.71, 2.4, 2.91];
    byFrequency.forEach((expected, x) => {
      const group = summaries.filter((s) => s.frequency === x);
      const mean =
        group.reduce((sum, s) => sum + paretoNbdConditionalExpectedTransactions(model, 39, s), 0) /
        group.length;
      expect(Math.abs(mean - expected)).toBeLessThanOrEqual(0.005);
    });
    const forecast = summaries.reduce(
      (sum, s) => sum + paretoNbdConditionalExpectedTransactions(model, 39, s),
      0,
    );
    expect((forecast - 1882) / 1882).toBeCloseTo(-0.115, 3);
  });

  test('refitting from the fitted optimum does not move it (convergence check)', () => {
    const again = fitParetoNbd(summaries, { start: model });
    expect(Math.abs(again.logLikelihood - model.logLikelihood)).toBeLessThan(1e-4);
    expectWithinRelative(again.r, model.r, 1e-3);
    expectWithinRelative(again.beta, model.beta, 1e-3);
  });

  test('stops where dropout rates no longer vary, at the optimum the walk to infinity nears', () => {
    // As of 1997-04-30 (17 weeks) no spread in dropout rates shows: s and beta grow together.
    // Left to walk, the optimiser reached s = 2.6e5, beta = 4.3e6, log-likelihood -4295.26035,
    // r 0.46407, alpha 7.3537 (15 s); the fit stops at s = 1e4 within 1e-4 of that.
    if (!sample.path) throw new Error(missing ?? 'data set missing');
    const early = summariseTransactions(readCdnowSample(sample.path), { asOf: '1997-04-30' });
    const fitted = fitParetoNbd(early);
    expect(fitted.converged).toBe(true);
    expect(fitted.s).toBeGreaterThan(1e3);
    expect(fitted.s).toBeLessThanOrEqual(1e4);
    expect(Math.abs(fitted.logLikelihood - -4295.26035)).toBeLessThan(1e-3);
    expectWithinRelative(fitted.r, 0.46407, 1e-3);
    expectWithinRelative(fitted.alpha, 7.3537, 1e-3);
    // The mean dropout rate s / beta is what the data pin down.
    expectWithinRelative(fitted.s / fitted.beta, 256188.31 / 4256794.82, 0.01);
  });
});
