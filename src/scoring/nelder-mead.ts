/**
 * Nelder-Mead downhill simplex with restarts.
 *
 * Written here rather than taken from `fmin` because fmin 0.0.4 ships a UMD bundle in a
 * "type": "module" package (its named exports come out empty under Node ESM) and its shrink step
 * assigns an undeclared variable, which throws in strict mode. Restarting from the optimum with a
 * fresh simplex is the usual guard against Nelder-Mead stalling on a collapsed simplex.
 */
export interface MinimiseOptions {
  /** Initial simplex edge along each coordinate. */
  step?: number;
  maxIterations?: number;
  /** Stop a run when the simplex spread in f and in x falls below these. */
  fTolerance?: number;
  xTolerance?: number;
  /** Restarts after the first run; stop early when a restart improves f by less than fTolerance. */
  maxRestarts?: number;
}

export interface MinimiseResult {
  x: number[];
  fx: number;
  /** True when the last restart no longer improved f and no run hit maxIterations. */
  converged: boolean;
  evaluations: number;
  restarts: number;
}

interface Vertex {
  x: number[];
  fx: number;
}

function runSimplex(
  f: (x: number[]) => number,
  start: number[],
  step: number,
  maxIterations: number,
  fTolerance: number,
  xTolerance: number,
): { best: Vertex; evaluations: number; hitLimit: boolean } {
  const n = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations += 1;
    const fx = f(x);
    return { x, fx: Number.isFinite(fx) ? fx : Number.POSITIVE_INFINITY };
  };
  const simplex: Vertex[] = [evaluate(start.slice())];
  for (let i = 0; i < n; i += 1) {
    const point = start.slice();
    point[i] = (point[i] as number) + step;
    simplex.push(evaluate(point));
  }
  const along = (from: number[], to: number[], t: number): number[] =>
    from.map((value, i) => value + t * ((to[i] as number) - value));

  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0] as Vertex;
    const worst = simplex[n] as Vertex;
    let xSpread = 0;
    for (let k = 1; k <= n; k += 1) {
      const vertex = simplex[k] as Vertex;
      for (let i = 0; i < n; i += 1) {
        xSpread = Math.max(xSpread, Math.abs((vertex.x[i] as number) - (best.x[i] as number)));
      }
    }
    if (worst.fx - best.fx <= fTolerance * (1 + Math.abs(best.fx)) && xSpread <= xTolerance) {
      return { best, evaluations, hitLimit: false };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k += 1) {
      const vertex = simplex[k] as Vertex;
      for (let i = 0; i < n; i += 1)
        centroid[i] = (centroid[i] as number) + (vertex.x[i] as number) / n;
    }
    const reflected = evaluate(along(centroid, worst.x, -1));
    const secondWorst = simplex[n - 1] as Vertex;
    if (reflected.fx < best.fx) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < secondWorst.fx) {
      simplex[n] = reflected;
    } else {
      const outside = reflected.fx < worst.fx;
      const contracted = evaluate(along(centroid, worst.x, outside ? -0.5 : 0.5));
      if (contracted.fx < (outside ? reflected.fx : worst.fx)) {
        simplex[n] = contracted;
      } else {
        for (let k = 1; k <= n; k += 1) {
          simplex[k] = evaluate(along(best.x, (simplex[k] as Vertex).x, 0.5));
        }
      }
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { best: simplex[0] as Vertex, evaluations, hitLimit: true };
}

/** Minimises f from x0; see MinimiseOptions for the defaults' meaning. */
export function minimise(
  f: (x: number[]) => number,
  x0: number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 400 * x0.length;
  const fTolerance = options.fTolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-7;
  const maxRestarts = options.maxRestarts ?? 4;

  let run = runSimplex(f, x0, step, maxIterations, fTolerance, xTolerance);
  let evaluations = run.evaluations;
  let best = run.best;
  let hitLimit = run.hitLimit;
  let converged = false;
  let restarts = 0;
  while (restarts < maxRestarts) {
    restarts += 1;
    // A smaller simplex from the optimum: checks it, and escapes a collapsed simplex if needed.
    run = runSimplex(f, best.x, step / 10, maxIterations, fTolerance, xTolerance);
    evaluations += run.evaluations;
    hitLimit = run.hitLimit;
    const improvement = best.fx - run.best.fx;
    if (run.best.fx < best.fx) best = run.best;
    if (improvement <= fTolerance * (1 + Math.abs(best.fx)) && !hitLimit) {
      converged = true;
      break;
    }
  }
  if (!Number.isFinite(best.fx)) converged = false;
  return { x: best.x, fx: best.fx, converged, evaluations, restarts };
}
