import { seededRng } from '../../nba/rng.ts';

/** Fold number (0..k-1) of each row, stratified so every fold keeps the overall churn rate. */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Uint8Array {
  if (!Number.isInteger(k) || k < 2) throw new Error(`folds must be a whole number >= 2, got ${k}`);
  const random = seededRng(seed);
  const folds = new Uint8Array(labels.length);
  // The second class continues where the first stopped, so fold sizes differ by at most one.
  let offset = 0;
  for (const label of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i += 1) if (labels[i] === label) members.push(i);
    for (let i = members.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j] as number, members[i] as number];
    }
    members.forEach((row, position) => {
      folds[row] = (position + offset) % k;
    });
    offset += members.length;
  }
  return folds;
}
