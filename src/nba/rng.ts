import beta from '@stdlib/random-base-beta';

/** A uniform pseudo-random source on [0, 1). Injected everywhere so decisions are reproducible. */
export type Rng = () => number;

/**
 * A seeded uniform generator built on stdlib's MT19937: Beta(1, 1) is exactly Uniform(0, 1),
 * and going through the public `factory` API keeps us on typed, documented ground.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 1..4294967295, got ${seed}`);
  }
  const uniform = beta.factory(1, 1, { seed });
  return () => uniform();
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
