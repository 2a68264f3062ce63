import { describe, expect, test } from 'vitest';
import {
  brierScore,
  calibrate,
  chooseCalibration,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  reliability,
} from './index.ts';
import { stratifiedFolds } from './churn/folds.ts';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Outcomes drawn at true probabilities, with the logits a model would report for them. */
function sample(
  n: number,
  reported: (trueLogit: number) => number,
  seed = 11,
): { logits: Float64Array; labels: Uint8Array } {
  const random = seeded(seed);
  const logits = new Float64Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const trueLogit = -3 + 6 * random();
    logits[i] = reported(trueLogit);
    labels[i] = random() < 1 / (1 + Math.exp(-trueLogit)) ? 1 : 0;
  }
  return { logits, labels };
}

describe('calibration measures', () => {
  test('Brier score and expected calibration error', () => {
    expect(brierScore([0.5, 0.5], [0, 1])).toBeCloseTo(0.25, 12);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
    expect(
      expectedCalibrationError([
        { bin: 1, count: 30, meanPredicted: 0.1, observedRate: 0.2 },
        { bin: 2, count: 10, meanPredicted: 0.9, observedRate: 0.5 },
      ]),
    ).toBeCloseTo((30 * 0.1 + 10 * 0.4) / 40, 12);
    const measured = reliability(
      Array.from({ length: 100 }, (_, i) => i / 100),
      Array.from({ length: 100 }, (_, i) => (i >= 50 ? 1 : 0)),
    );
    expect(measured.table).toHaveLength(10);
    expect(measured.ece).toBeCloseTo(0.25, 12);
  });
});

describe('isotonic regression', () => {
  test('pools adjacent violators into a non-decreasing map', () => {
    const calibrator = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 0, 1, 1]);
    expect(calibrator.method).toBe('isotonic');
    if (calibrator.method !== 'isotonic') return;
    // 0 | (1, 0, 0) pooled to 1/3 | 1, 1
    expect(calibrator.x).toEqual([0.1, 0.2, 0.4, 0.5, 0.6]);
    expect(calibrator.y.map((y) => Number(y.toFixed(4)))).toEqual([
      0.001, 0.3333, 0.3333, 0.999, 0.999,
    ]);
    const at = (p: number) => calibrate(calibrator, logit(p));
    expect(at(0.05)).toBe(0.001);
    expect(at(0.3)).toBeCloseTo(1 / 3, 12);
    expect(at(0.45)).toBeCloseTo((1 / 3 + 0.999) / 2, 12);
    expect(at(0.9)).toBe(0.999);
  });

  test('ties in the raw probability are pooled before ordering', () => {
    const calibrator = fitIsotonic([0.2, 0.2, 0.2, 0.8], [0, 1, 1, 1]);
    expect(calibrator).toEqual({ method: 'isotonic', x: [0.2, 0.8], y: [2 / 3, 0.999] });
  });
});

describe('choosing a calibration from out-of-fold predictions', () => {
  test('keeps probabilities that already come true', () => {
    const { logits, labels } = sample(4000, (z) => z);
    const choice = chooseCalibration(logits, labels, stratifiedFolds(labels, 5, 1));
    expect(choice.before.ece).toBeLessThanOrEqual(0.03);
    expect(choice.calibrator).toEqual({ method: 'none' });
    expect(choice.after).toBe(choice.before);
    expect(choice.note).toMatch(/within 0.03/);
  });

  test('an overconfident model is Platt-scaled and its held-apart error falls', () => {
    // Logits twice as steep as the truth: the usual shape of an under-regularised model.
    const { logits, labels } = sample(4000, (z) => 2 * z + 0.5);
    const choice = chooseCalibration(logits, labels, stratifiedFolds(labels, 5, 1));
    expect(choice.before.ece).toBeGreaterThan(0.05);
    expect(choice.calibrator.method).toBe('platt');
    if (choice.calibrator.method === 'platt') {
      expect(choice.calibrator.a).toBeCloseTo(0.5, 1);
      expect(choice.calibrator.b).toBeCloseTo(-0.25, 1);
    }
    expect(choice.after.ece).toBeLessThan(0.03);
    expect(choice.after.brier).toBeLessThan(choice.before.brier);
    expect(choice.note).toMatch(/Platt scaling/);
  });

  test('a distortion no logistic curve undoes goes to isotonic regression', () => {
    // Reported probabilities fold the middle of the range back on itself, monotone but far
    // from logistic in the raw logit.
    const { logits, labels } = sample(6000, (z) => (z < 0 ? z / 4 - 2 : z * 3 + 2));
    const choice = chooseCalibration(logits, labels, stratifiedFolds(labels, 5, 1));
    expect(choice.calibrator.method).toBe('isotonic');
    expect(choice.after.ece).toBeLessThan(0.03);
    expect(choice.after.brier).toBeLessThan(choice.before.brier);
  });

  test('Platt scaling recovers a known linear distortion', () => {
    const { logits, labels } = sample(20000, (z) => (z - 1) / 3, 5);
    const platt = fitPlatt(logits, labels);
    expect(platt).toMatchObject({ method: 'platt' });
    if (platt.method === 'platt') {
      expect(platt.a).toBeCloseTo(3, 0);
      expect(platt.b).toBeCloseTo(1, 0);
    }
  });
});
