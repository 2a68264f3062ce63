import beta from '@stdlib/random-base-beta';

/** A uniform pseudo-random source on [0, 1). Injected everywhere so decisions are reproducible. */
export type Rng = () => number;

/**
 * A seeded uniform generator: stdlib's MT19937, the generator behind a seeded Beta factory.
 * Its `normalized` view gives doubles on [0, 1); the public types do not declare it, so it is
 * checked at run time, with Beta(1, 1) (exactly Uniform(0, 1), but slower) as the fallback.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 1..4294967295, got ${seed}`);
  }
  const generator: unknown = beta.factory({ seed }).PRNG;
  const normalized = (generator as { normalized?: unknown }).normalized;
  if (typeof normalized === 'function') return () => (normalized as () => number)();
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
