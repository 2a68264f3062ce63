import { describe, expect, test } from 'vitest';
import { segmentNames, segmentSchema } from '../contract/insights.ts';
import { quintileScores, rfmSegment, scoreRfm, type RfmInput } from './index.ts';

describe('quintileScores', () => {
  test('distinct values split into five equal groups, higher values scoring higher', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const scores = quintileScores(values);
    const counts = [0, 0, 0, 0, 0];
    scores.forEach((score) => (counts[score - 1] = (counts[score - 1] as number) + 1));
    expect(counts).toEqual([20, 20, 20, 20, 20]);
    values.forEach((value, i) => expect(scores[i]).toBe(Math.floor(value / 20) + 1));
  });

  test('ties share one score whatever the input order', () => {
    const values = [1, 1, 1, 1, 2, 3, 3, 4, 5, 5, 5, 9];
    const scores = quintileScores(values);
    const reversed = quintileScores([...values].reverse()).reverse();
    expect(reversed).toEqual(scores);
    for (let i = 0; i < values.length; i += 1) {
      for (let j = 0; j < values.length; j += 1) {
        if (values[i] === values[j]) expect(scores[i]).toBe(scores[j]);
        if ((values[i] as number) < (values[j] as number)) {
          expect(scores[i] as number).toBeLessThanOrEqual(scores[j] as number);
        }
      }
    }
    // Four 1s of twelve: mid-rank percentile 2/12 -> score 1; the lone 9 is in the top fifth.
    expect(scores[0]).toBe(1);
    expect(scores[11]).toBe(5);
  });

  test('all-equal values get the middle score', () => {
    expect(quintileScores([7, 7, 7, 7])).toEqual([3, 3, 3, 3]);
  });
});

describe('rfmSegment mapping table', () => {
  test.each([
    [5, 5, 5, 'Champions'],
    [5, 4, 3, 'Champions'],
    [4, 5, 5, 'Champions'],
    [4, 4, 4, 'Loyal'],
    [3, 5, 4, 'Loyal'],
    [5, 3, 2, 'Potential loyalist'],
    [4, 2, 2, 'Potential loyalist'],
    [5, 1, 1, 'New'],
    [4, 1, 1, 'Promising'],
    [3, 3, 3, 'Need attention'],
    [3, 1, 2, 'About to sleep'],
    [2, 3, 4, 'At risk'],
    [1, 3, 3, 'At risk'],
    [2, 5, 5, "Can't lose them"],
    [1, 5, 4, "Can't lose them"],
    [2, 1, 2, 'Hibernating'],
    [1, 1, 1, 'Lost'],
    [1, 2, 2, 'Lost'],
  ] as const)('R%i F%i M%i is %s', (r, f, m, segment) => {
    expect(rfmSegment(r, f, m)).toBe(segment);
  });

  test('every named segment is reachable and every cell names one', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r += 1) {
      for (let f = 1; f <= 5; f += 1) {
        for (let m = 1; m <= 5; m += 1) seen.add(rfmSegment(r, f, m));
      }
    }
    expect([...seen].sort()).toEqual([...segmentNames].sort());
  });

  test('rejects scores outside 1..5', () => {
    expect(() => rfmSegment(0, 3, 3)).toThrow(/recency score/);
    expect(() => rfmSegment(3, 3, 2.5)).toThrow(/monetary score/);
  });
});

describe('scoreRfm', () => {
  const customers: RfmInput[] = Array.from({ length: 50 }, (_, i) => ({
    customerId: `c${i}`,
    daysSinceLastPurchase: i * 3,
    frequency: 50 - i,
    monetary: (50 - i) * 10,
  }));

  test('recent, frequent, big spenders are Champions; long-gone small ones are Lost', () => {
    const scores = scoreRfm(customers);
    expect(scores[0]).toMatchObject({
      recency: 5,
      frequency: 5,
      monetary: 5,
      segment: 'Champions',
    });
    expect(scores[49]).toMatchObject({ recency: 1, frequency: 1, monetary: 1, segment: 'Lost' });
    for (const score of scores) {
      expect(segmentSchema.parse({ name: score.segment, ...score })).toBeTruthy();
    }
  });

  test('the result does not depend on input order', () => {
    const shuffled = [...customers].sort(
      (x, y) => ((x.frequency * 7) % 11) - ((y.frequency * 7) % 11),
    );
    const byId = new Map(scoreRfm(customers).map((score) => [score.customerId, score]));
    for (const score of scoreRfm(shuffled)) expect(score).toEqual(byId.get(score.customerId));
  });

  test('names the customer with a bad number', () => {
    expect(() =>
      scoreRfm([{ customerId: 'x', daysSinceLastPurchase: Number.NaN, frequency: 1, monetary: 1 }]),
    ).toThrow(/customer 1 \(x\): daysSinceLastPurchase/);
  });
});
