import { describe, expect, test } from 'vitest';
import { minimise } from './index.ts';

describe('minimise (Nelder-Mead with restarts)', () => {
  test('finds the Rosenbrock minimum at (1, 1) and reports convergence', () => {
    const rosenbrock = ([x = 0, y = 0]: number[]): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = minimise(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
    expect(result.fx).toBeLessThan(1e-8);
    expect(result.restarts).toBeGreaterThanOrEqual(1);
  });

  test('treats non-finite values as walls instead of failing', () => {
    // Only defined for x > 0, minimum at x = 2.
    const f = ([x = 0]: number[]): number => (x > 0 ? x - 2 * Math.log(x) : Number.NaN);
    const result = minimise(f, [5]);
    expect(result.x[0]).toBeCloseTo(2, 4);
  });

  test('says so when it runs out of iterations', () => {
    const rosenbrock = ([x = 0, y = 0]: number[]): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = minimise(rosenbrock, [-1.2, 1], { maxIterations: 5, maxRestarts: 1 });
    expect(result.converged).toBe(false);
  });
});
