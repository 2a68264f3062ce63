/**
 * Probability calibration for the churn model: how far the predicted probabilities sit from the
 * churn rates they should come true at, and the two usual remedies, Platt scaling and isotonic
 * regression, fitted on out-of-fold predictions.
 */
import { calibrationTable, logLoss, type CalibrationBin } from './metrics.ts';
import { fitLogistic, sigmoid } from './logistic.ts';

/** Above this expected calibration error the trainer calibrates the model's probabilities. */
export const CALIBRATION_TOLERANCE = 0.03;

/** Keeps isotonic output off 0 and 1: no customer is certain to stay or to go. */
const ISOTONIC_FLOOR = 0.001;

export type Calibrator =
  | { method: 'none' }
  /** p = sigmoid(a * logit + b), on the raw model's logit. */
  | { method: 'platt'; a: number; b: number }
  /** A non-decreasing map of the raw probability, linear between the knots `x` -> `y`. */
  | { method: 'isotonic'; x: number[]; y: number[] };

export type CalibrationMethod = Calibrator['method'];

/** Mean squared difference between the probability and the 0/1 outcome. */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    const error = (probabilities[i] as number) - (labels[i] as number);
    total += error * error;
  }
  return total / probabilities.length;
}

/** Count-weighted mean gap between predicted and observed churn over a reliability table's bins. */
export function expectedCalibrationError(table: readonly CalibrationBin[]): number {
  let rows = 0;
  let gap = 0;
  for (const bin of table) {
    rows += bin.count;
    gap += bin.count * Math.abs(bin.meanPredicted - bin.observedRate);
  }
  return rows > 0 ? gap / rows : 0;
}

export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibrator {
  const fit = fitLogistic(Float64Array.from(logits), Uint8Array.from(labels), 1, 1e-6);
  return { method: 'platt', a: fit.coefficients[0] as number, b: fit.intercept };
}

/** Pool-adjacent-violators on the raw probabilities; ties in x are pooled first. */
export function fitIsotonic(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): Calibrator {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort(
    (i, j) => (probabilities[i] as number) - (probabilities[j] as number),
  );
  const blocks: { sum: number; weight: number; xMin: number; xMax: number }[] = [];
  for (const index of order) {
    const x = probabilities[index] as number;
    const y = labels[index] as number;
    const last = blocks[blocks.length - 1];
    if (last && last.xMax === x) {
      last.sum += y;
      last.weight += 1;
    } else {
      blocks.push({ sum: y, weight: 1, xMin: x, xMax: x });
    }
    while (blocks.length >= 2) {
      const top = blocks[blocks.length - 1]!;
      const below = blocks[blocks.length - 2]!;
      if (below.sum / below.weight < top.sum / top.weight) break;
      below.sum += top.sum;
      below.weight += top.weight;
      below.xMax = top.xMax;
      blocks.pop();
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const block of blocks) {
    const value = Math.min(1 - ISOTONIC_FLOOR, Math.max(ISOTONIC_FLOOR, block.sum / block.weight));
    x.push(block.xMin);
    y.push(value);
    if (block.xMax > block.xMin) {
      x.push(block.xMax);
      y.push(value);
    }
  }
  return { method: 'isotonic', x, y };
}

function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const last = xs.length - 1;
  if (x <= (xs[0] as number)) return ys[0] as number;
  if (x >= (xs[last] as number)) return ys[last] as number;
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if ((xs[middle] as number) <= x) low = middle;
    else high = middle;
  }
  const x0 = xs[low] as number;
  const x1 = xs[high] as number;
  const y0 = ys[low] as number;
  const y1 = ys[high] as number;
  return x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y1;
}

/** The calibrated probability for a raw logit. */
export function calibrate(calibrator: Calibrator, logit: number): number {
  switch (calibrator.method) {
    case 'none':
      return sigmoid(logit);
    case 'platt':
      return sigmoid(calibrator.a * logit + calibrator.b);
    case 'isotonic':
      return interpolate(calibrator.x, calibrator.y, sigmoid(logit));
  }
}

/** How well a set of probabilities comes true: the reliability table and its summary figures. */
export interface Reliability {
  /** Ten bins of (nearly) equal size, lowest predicted risk first. */
  table: CalibrationBin[];
  brier: number;
  logLoss: number;
  /** Expected calibration error over the table's bins. */
  ece: number;
}

export function reliability(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): Reliability {
  const table = calibrationTable(probabilities, labels, 10);
  return {
    table,
    brier: brierScore(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    ece: expectedCalibrationError(table),
  };
}

export interface CalibrationChoice {
  calibrator: Calibrator;
  /** The out-of-fold probabilities before calibration. */
  before: Reliability;
  /**
   * The probabilities the model will give: after calibration, each fold calibrated by a
   * calibrator fitted on the other folds only, so the figures are not flattered by fitting and
   * measuring on the same rows. Equals `before` when nothing was calibrated.
   */
  after: Reliability;
  /** What was done and why, in a sentence. */
  note: string;
}

function fitMethod(
  method: 'platt' | 'isotonic',
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
): Calibrator {
  return method === 'platt'
    ? fitPlatt(logits, labels)
    : fitIsotonic(Float64Array.from(logits as ArrayLike<number>, sigmoid), labels);
}

const methodNames = { platt: 'Platt scaling', isotonic: 'isotonic regression' } as const;

/**
 * Decides whether and how to calibrate from out-of-fold logits: when the expected calibration
 * error is within the tolerance the probabilities are kept; otherwise Platt scaling and isotonic
 * regression are each cross-fitted over the folds and the one with the lower Brier score is
 * fitted on all out-of-fold predictions, unless neither improves on the raw probabilities.
 */
export function chooseCalibration(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  folds: ArrayLike<number>,
  tolerance = CALIBRATION_TOLERANCE,
): CalibrationChoice {
  const raw = Float64Array.from(logits as ArrayLike<number>, sigmoid);
  const before = reliability(raw, labels);
  if (before.ece <= tolerance) {
    return {
      calibrator: { method: 'none' },
      before,
      after: before,
      note:
        `expected calibration error ${before.ece.toFixed(4)} is within ${tolerance}: ` +
        'probabilities kept as the model gives them',
    };
  }
  let k = 0;
  for (let i = 0; i < folds.length; i += 1) k = Math.max(k, (folds[i] as number) + 1);
  const candidates = (['platt', 'isotonic'] as const).map((method) => {
    const crossFitted = new Float64Array(raw.length);
    for (let fold = 0; fold < k; fold += 1) {
      const fitRows: number[] = [];
      const applyRows: number[] = [];
      for (let i = 0; i < raw.length; i += 1) (folds[i] === fold ? applyRows : fitRows).push(i);
      const calibrator = fitMethod(
        method,
        fitRows.map((i) => logits[i] as number),
        fitRows.map((i) => labels[i] as number),
      );
      for (const i of applyRows) crossFitted[i] = calibrate(calibrator, logits[i] as number);
    }
    return { method, after: reliability(crossFitted, labels) };
  });
  const best = candidates.reduce((x, y) => (y.after.brier < x.after.brier ? y : x));
  if (best.after.brier >= before.brier) {
    return {
      calibrator: { method: 'none' },
      before,
      after: before,
      note:
        `expected calibration error ${before.ece.toFixed(4)} is above ${tolerance}, but neither ` +
        'Platt scaling nor isotonic regression lowered the Brier score on held-apart folds: ' +
        'probabilities kept as the model gives them',
    };
  }
  return {
    calibrator: fitMethod(best.method, logits, labels),
    before,
    after: best.after,
    note:
      `expected calibration error ${before.ece.toFixed(4)} is above ${tolerance}: calibrated with ` +
      `${methodNames[best.method]} on the out-of-fold predictions (chosen by Brier score on ` +
      `held-apart folds), giving ${best.after.ece.toFixed(4)}`,
  };
}
