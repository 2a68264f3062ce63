/** ROC AUC as the Mann-Whitney statistic, with tied scores counted as half. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => (scores[i] as number) - (scores[j] as number),
  );
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1] as number] === scores[order[start] as number])
      end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) {
      if (labels[order[k] as number] === 1) {
        positives += 1;
        positiveRankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) throw new Error('ROC AUC needs both classes');
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean negative log-likelihood, probabilities clipped away from 0 and 1. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i] as number));
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / probabilities.length;
}

export interface CalibrationBin {
  /** 1 = lowest predicted risk. */
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Rows sorted by predicted probability and cut into `bins` groups of (nearly) equal size. */
export function calibrationTable(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const n = probabilities.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => (probabilities[i] as number) - (probabilities[j] as number) || i - j,
  );
  const table: CalibrationBin[] = [];
  for (let bin = 0; bin < bins; bin += 1) {
    const from = Math.floor((bin * n) / bins);
    const to = Math.floor(((bin + 1) * n) / bins);
    if (to <= from) continue;
    let predicted = 0;
    let observed = 0;
    for (let k = from; k < to; k += 1) {
      const index = order[k] as number;
      predicted += probabilities[index] as number;
      observed += labels[index] as number;
    }
    table.push({
      bin: bin + 1,
      count: to - from,
      meanPredicted: predicted / (to - from),
      observedRate: observed / (to - from),
    });
  }
  return table;
}
