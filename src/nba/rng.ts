import beta from '@stdlib/random-base-beta';

/** A uniform pseudo-random source on [0, 1). Injected everywhere so decisions are reproducible. */
export type Rng = () => number;

/**
 * The one seeded uniform generator (mulberry32): decisions under a seed, the demo data, the
 * churn model's cross-validation folds and the value models' fitting sample all draw from it,
 * so the same seed gives the same numbers on every machine. Doubles on [0, 1).
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 1..4294967295, got ${seed}`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type BetaSampler = (alpha: number, beta: number) => number;

const samplers = new WeakMap<Rng, BetaSampler>();

/** A Beta sampler drawing its uniforms from `rng`, so Thompson sampling follows the injected seed. */
export function betaSamplerFor(rng: Rng): BetaSampler {
  let sampler = samplers.get(rng);
  if (!sampler) {
    const draw = beta.factory({ prng: rng });
    sampler = (alpha, b) => draw(alpha, b);
    samplers.set(rng, sampler);
  }
  return sampler;
}
