import { seededRng } from '../../nba/rng.ts';

/** The value models are fitted on all customers up to this many, else on a seeded sample of it. */
export const defaultFitSampleSize = 20_000;

/** Deterministic sample of `size` indices out of 0..n-1, in increasing order (selection sampling). */
export function sampleIndices(n: number, size: number, seed = 20_240_601): number[] {
  if (size >= n) return Array.from({ length: n }, (_, index) => index);
  const random = seededRng(seed);
  const picked: number[] = [];
  for (let index = 0; index < n && picked.length < size; index += 1) {
    if (random() * (n - index) < size - picked.length) picked.push(index);
  }
  return picked;
}
