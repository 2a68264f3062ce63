/** The value models are fitted on all customers up to this many, else on a seeded sample of it. */
export const defaultFitSampleSize = 20_000;

/** Deterministic sample of `size` indices out of 0..n-1, in increasing order (selection sampling). */
export function sampleIndices(n: number, size: number, seed = 20_240_601): number[] {
  if (size >= n) return Array.from({ length: n }, (_, index) => index);
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const picked: number[] = [];
  for (let index = 0; index < n && picked.length < size; index += 1) {
    if (random() * (n - index) < size - picked.length) picked.push(index);
  }
  return picked;
}
