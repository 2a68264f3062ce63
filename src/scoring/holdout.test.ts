import { beforeAll, describe, expect, test } from 'vitest';
import { datasetsRequired, findDataset, readCdnowSample } from '../../bench/scoring-datasets.ts';
import {
  chooseValueModel,
  compareOnHoldout,
  dayNumber,
  HOLDOUT_RULE,
  holdoutHistories,
  holdoutShortfall,
  holdoutTable,
  planHoldout,
  type HoldoutComparison,
  type HoldoutHistory,
} from './index.ts';

describe('holdout table', () => {
  const histories: HoldoutHistory[] = [
    { frequency: 0, recency: 0, T: 10, holdoutPurchases: 0 },
    { frequency: 0, recency: 0, T: 10, holdoutPurchases: 2 },
    { frequency: 3, recency: 5, T: 10, holdoutPurchases: 1 },
    { frequency: 9, recency: 9, T: 10, holdoutPurchases: 4 },
    { frequency: 12, recency: 8, T: 10, holdoutPurchases: 6 },
  ];

  test('bins by calibration frequency with 7 and above together, and totals', () => {
    const table = holdoutTable(histories, [0.5, 0.5, 2, 3, 7]);
    expect(table.bins).toEqual([
      { bin: '0', customers: 2, actual: 1, expected: 0.5 },
      { bin: '3', customers: 1, actual: 1, expected: 2 },
      { bin: '7+', customers: 2, actual: 5, expected: 5 },
    ]);
    expect(table.actualTotal).toBe(13);
    expect(table.expectedTotal).toBe(13);
    // Squared errors 0.25, 2.25, 1, 1, 1: mean 1.1.
    expect(table.rmse).toBeCloseTo(Math.sqrt(1.1), 12);
    expect(() => holdoutTable(histories, [1, 2])).toThrow(/2 forecasts for 5 customers/);
  });
});

describe('when a scoring run compares models on its own history', () => {
  const day = dayNumber('2024-01-01');

  test('the holdout is the last third of the history, at most a year, at least 8 weeks', () => {
    expect(planHoldout(day, day + 300)).toEqual({
      ok: true,
      calibrationEndDay: day + 200,
      holdoutDays: 100,
    });
    expect(planHoldout(day, day + 3_000)).toEqual({
      ok: true,
      calibrationEndDay: day + 3_000 - 365,
      holdoutDays: 365,
    });
    expect(planHoldout(day, day + 168)).toMatchObject({ ok: true, holdoutDays: 56 });
    expect(planHoldout(day, day + 167)).toEqual({
      ok: false,
      reason: '23 weeks of purchase history, 24 needed',
    });
  });

  test('it needs enough customers, repeat buyers and holdout purchases', () => {
    const many = (n: number, history: HoldoutHistory) => Array.from({ length: n }, () => history);
    const enough = [
      ...many(400, { frequency: 0, recency: 0, T: 20, holdoutPurchases: 0 }),
      ...many(100, { frequency: 2, recency: 10, T: 20, holdoutPurchases: 1 }),
    ];
    expect(holdoutShortfall(enough)).toBeNull();
    expect(holdoutShortfall(enough.slice(1))).toBe(
      `499 customers in the calibration, ${HOLDOUT_RULE.minCustomers} needed`,
    );
    const quiet = enough.map((history) => ({ ...history, holdoutPurchases: 0 }));
    expect(holdoutShortfall(quiet)).toBe('0 repeat purchases in the holdout, 100 needed');
    expect(holdoutShortfall(quiet.slice(0, 450))).toMatch(
      /450 customers .*; 50 repeat buyers, 100 needed; 0 repeat purchases/,
    );
  });
});

describe('choosing the model', () => {
  const comparison = (rmse: Record<string, number>): HoldoutComparison => ({
    customers: 2357,
    holdoutLength: 39,
    timeUnit: 'weeks',
    bins: [],
    actualTotal: 1882,
    models: (['bgnbd', 'mbgnbd', 'pareto-nbd'] as const).map((kind) => ({
      kind,
      name: kind,
      fitted: true as const,
      params: {},
      logLikelihood: 0,
      converged: true,
      expected: [],
      expectedTotal: 0,
      rmse: rmse[kind]!,
    })),
    ranking: (['bgnbd', 'mbgnbd', 'pareto-nbd'] as const)
      .slice()
      .sort((x, y) => rmse[x]! - rmse[y]!),
  });
  const all = ['bgnbd', 'mbgnbd', 'pareto-nbd'] as const;

  test('the lowest holdout RMSE wins, with the figures in the reason', () => {
    const choice = chooseValueModel(all, {
      comparison: comparison({ bgnbd: 1.608, mbgnbd: 1.607, 'pareto-nbd': 1.603 }),
    });
    expect(choice).toEqual({
      kind: 'pareto-nbd',
      basis: 'holdout',
      reason:
        'Pareto/NBD forecast the holdout best: RMSE 1.603 repeat purchases per customer against ' +
        'MBG/NBD 1.607, BG/NBD 1.608 (2357 customers, 39.0 weeks)',
    });
  });

  test('a winner that did not fit the whole history gives way to the next', () => {
    const choice = chooseValueModel(['bgnbd', 'mbgnbd'], {
      comparison: comparison({ bgnbd: 1.608, mbgnbd: 1.607, 'pareto-nbd': 1.603 }),
    });
    expect(choice.kind).toBe('mbgnbd');
    expect(choice.basis).toBe('holdout');
  });

  test('without enough history MBG/NBD, so a one-time buyer is never certainly alive', () => {
    expect(chooseValueModel(all, { shortfall: '10 weeks of purchase history, 24 needed' })).toEqual(
      {
        kind: 'mbgnbd',
        basis: 'default',
        reason:
          'not enough history for a holdout check (10 weeks of purchase history, 24 needed): ' +
          'MBG/NBD by default, so a one-time buyer is never certainly alive',
      },
    );
    expect(chooseValueModel(['bgnbd', 'pareto-nbd'], { shortfall: 'x' }).kind).toBe('pareto-nbd');
    expect(() => chooseValueModel([], { shortfall: 'x' })).toThrow(/no purchase model/);
  });
});

const sample = findDataset('cdnow/CDNOW_sample.txt');
if (sample.reason && !datasetsRequired) {
  console.warn(`holdout.test.ts: CDNOW checks skipped: ${sample.reason}`);
}

/**
 * The BTYD walkthrough's split of the 2,357-customer CDNOW cohort: calibration to 1997-09-30,
 * holdout the 39 weeks to 1998-06-30. Published figures:
 * - actual mean holdout repeat purchases per calibration frequency 0..7+ and the bin sizes: the
 *   walkthrough's table (same in BG/NBD and Pareto/NBD sections), 1,882 in all (SOURCE.txt);
 * - Pareto/NBD's expected means per bin: the walkthrough's table (3 decimals, fitted with
 *   r 0.553, alpha 10.58, s 0.606, beta 11.656);
 * - RMSE per customer: BTYDplus demo/cdnow.r, pnbd 1.603, bgnbd 1.608, cbgnbd (MBG/NBD) 1.607
 *   (3 decimals; its data preparation gives log-likelihoods about 3.5 higher than FHL's, so its
 *   fits differ slightly from these);
 * - MBG/NBD's total 16.2 % below actual: BTYDplus demo/cdnow.r.
 */
describe.skipIf(sample.reason !== null && !datasetsRequired)('the CDNOW holdout table', () => {
  let histories: HoldoutHistory[];
  let result: HoldoutComparison;
  beforeAll(() => {
    if (!sample.path) throw new Error(sample.reason ?? 'data set missing');
    histories = holdoutHistories(readCdnowSample(sample.path), {
      calibrationEnd: '1997-09-30',
      holdoutEnd: '1998-06-30',
    });
    result = compareOnHoldout(histories, 39);
  });

  test('actual purchases per bin are the walkthrough table', () => {
    expect(result.customers).toBe(2357);
    expect(result.actualTotal).toBe(1882);
    expect(result.bins.map((bin) => bin.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    const published = [
      0.2367116, 0.6970387, 1.392523, 1.56, 2.532258, 2.947368, 3.862069, 6.359375,
    ];
    result.bins.forEach((bin, i) => expect(bin.actual).toBeCloseTo(published[i]!, 6));
  });

  test("Pareto/NBD's expected purchases per bin are the walkthrough's", () => {
    const pareto = result.models.find((model) => model.kind === 'pareto-nbd')!;
    if (!pareto.fitted) throw new Error(pareto.failure);
    const published = [0.138, 0.6, 1.196, 1.714, 2.399, 2.907, 3.819, 6.403];
    pareto.expected.forEach((mean, i) =>
      expect(Math.abs(mean - published[i]!)).toBeLessThanOrEqual(0.002),
    );
  });

  test("each model's RMSE is BTYDplus's, and Pareto/NBD's is the lowest", () => {
    const published = { bgnbd: 1.608, mbgnbd: 1.607, 'pareto-nbd': 1.603 } as const;
    for (const model of result.models) {
      if (!model.fitted) throw new Error(model.failure);
      expect(Math.abs(model.rmse - published[model.kind])).toBeLessThanOrEqual(0.002);
    }
    expect(result.ranking).toEqual(['pareto-nbd', 'mbgnbd', 'bgnbd']);
  });

  test('all three under-forecast the holdout total by what the literature reports', () => {
    const total = (kind: string) => {
      const model = result.models.find((entry) => entry.kind === kind)!;
      return model.fitted ? model.expectedTotal : Number.NaN;
    };
    // Pareto/NBD: the walkthrough's bin means times bin sizes give 1,665 (11.5 % low); the
    // 3-decimal rounding of the means allows about 1.2 purchases.
    expect(Math.abs(total('pareto-nbd') - 1665.2)).toBeLessThanOrEqual(2);
    // MBG/NBD 16.2 % low (BTYDplus), to the published rounding and its slightly different fit.
    expect(Math.abs((total('mbgnbd') - 1882) / 1882 - -0.162)).toBeLessThanOrEqual(0.003);
    // BG/NBD: no published total found; held to the band the two published ones span.
    const bgnbdShortfall = (total('bgnbd') - 1882) / 1882;
    expect(bgnbdShortfall).toBeGreaterThanOrEqual(-0.165);
    expect(bgnbdShortfall).toBeLessThanOrEqual(-0.112);
  });
});
