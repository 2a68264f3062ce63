import { describe, expect, test } from 'vitest';
import {
  datasetsRequired,
  findDataset,
  readCdnowSample,
  readCsvRecords,
} from '../../bench/scoring-datasets.ts';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  summariseTransactions,
} from './index.ts';

/** Fader, Hardie & Lee (2005, JMR) on CDNOW's 946 repeat buyers. */
const PUBLISHED = { p: 6.25, q: 3.74, gamma: 15.44 };

function expectWithinRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

describe('Gamma-Gamma closed forms', () => {
  test('population mean spend is p * gamma / (q - 1)', () => {
    // 6.25 * 15.44 / 2.74 = 35.22
    expect(gammaGammaPopulationMeanSpend(PUBLISHED)).toBeCloseTo(35.22, 2);
  });

  test('conditional spend shrinks the own mean towards the population mean', () => {
    const population = gammaGammaPopulationMeanSpend(PUBLISHED);
    // Weight on the customer's own mean: p x / (p x + q - 1).
    const x = 2;
    const zbar = 100;
    const weight = (PUBLISHED.p * x) / (PUBLISHED.p * x + PUBLISHED.q - 1);
    const expected = weight * zbar + (1 - weight) * population;
    expect(
      gammaGammaConditionalExpectedSpend(PUBLISHED, { frequency: x, monetaryValue: zbar }),
    ).toBeCloseTo(expected, 10);
    // No repeat purchases: only the population mean is known.
    expect(
      gammaGammaConditionalExpectedSpend(PUBLISHED, { frequency: 0, monetaryValue: 0 }),
    ).toBeCloseTo(population, 10);
    // More repeat purchases: closer to the own mean.
    const few = gammaGammaConditionalExpectedSpend(PUBLISHED, {
      frequency: 1,
      monetaryValue: zbar,
    });
    const many = gammaGammaConditionalExpectedSpend(PUBLISHED, {
      frequency: 20,
      monetaryValue: zbar,
    });
    expect(Math.abs(many - zbar)).toBeLessThan(Math.abs(few - zbar));
  });

  test('needs repeat buyers to fit', () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow(
      /at least two repeat buyers/,
    );
  });
});

const sample = findDataset('cdnow/CDNOW_sample.txt');
const withTransactions = findDataset('cdnow/cdnow_customers_summary_with_transactions.csv');
const missing = sample.reason ?? withTransactions.reason;
if (missing && !datasetsRequired)
  console.warn(`gamma-gamma.test.ts: CDNOW checks skipped: ${missing}`);

describe.skipIf(missing !== null && !datasetsRequired)('Gamma-Gamma on CDNOW', () => {
  test('fit on the 946 repeat buyers from transactions reproduces the paper', () => {
    if (!sample.path) throw new Error(missing ?? 'data set missing');
    const summaries = summariseTransactions(readCdnowSample(sample.path), { asOf: '1997-09-30' });
    const model = fitGammaGamma(summaries);
    expect(model.customers).toBe(946);
    expect(model.converged).toBe(true);
    expectWithinRelative(model.p, PUBLISHED.p, 0.01);
    expectWithinRelative(model.q, PUBLISHED.q, 0.01);
    expectWithinRelative(model.gamma, PUBLISHED.gamma, 0.01);
  });

  test('fit on the published summary file agrees, and beats the published parameters only slightly', () => {
    if (!withTransactions.path) throw new Error(missing ?? 'data set missing');
    const data = readCsvRecords(withTransactions.path).map((row) => ({
      frequency: Number(row.x),
      monetaryValue: Number(row.zbar),
    }));
    const model = fitGammaGamma(data);
    expect(model.customers).toBe(946);
    expectWithinRelative(model.p, PUBLISHED.p, 0.01);
    expectWithinRelative(model.q, PUBLISHED.q, 0.01);
    expectWithinRelative(model.gamma, PUBLISHED.gamma, 0.01);
    const atPublished = gammaGammaLogLikelihood(PUBLISHED, data);
    expect(model.logLikelihood).toBeGreaterThanOrEqual(atPublished);
    expect(model.logLikelihood - atPublished).toBeLessThan(0.05);
  });
});
