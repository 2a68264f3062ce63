import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * L2-regularised logistic regression by Newton's method (IRLS). `features` holds n rows of p
 * values, row-major. The intercept is not penalised. Each step solves
 * (X'WX + l2 I) delta = X'(y - mu) - l2 beta with a Cholesky factorisation.
 */
export function fitLogistic(
  features: Float64Array,
  labels: Uint8Array,
  featureCount: number,
  l2: number,
  maxIterations = 50,
): LogisticFit {
  const n = labels.length;
  const p = featureCount + 1;
  const beta = new Float64Array(p);
  const row = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations += 1;
    const hessian = new Float64Array(p * p);
    const gradient = new Float64Array(p);
    for (let i = 0; i < n; i += 1) {
      row[0] = 1;
      let eta = beta[0] as number;
      for (let j = 1; j < p; j += 1) {
        const value = features[i * featureCount + j - 1] as number;
        row[j] = value;
        eta += (beta[j] as number) * value;
      }
      const mu = sigmoid(eta);
      const weight = mu * (1 - mu);
      const residual = (labels[i] as number) - mu;
      for (let j = 0; j < p; j += 1) {
        const rj = row[j] as number;
        if (rj === 0) continue;
        gradient[j] = (gradient[j] as number) + rj * residual;
        const scaled = rj * weight;
        for (let k = j; k < p; k += 1)
          hessian[j * p + k] = (hessian[j * p + k] as number) + scaled * (row[k] as number);
      }
    }
    const system = new Matrix(p, p);
    const rhs = new Matrix(p, 1);
    for (let j = 0; j < p; j += 1) {
      for (let k = j; k < p; k += 1) {
        const value = (hessian[j * p + k] as number) + (j === k && j > 0 ? l2 : 0);
        system.set(j, k, value);
        system.set(k, j, value);
      }
      rhs.set(j, 0, (gradient[j] as number) - (j > 0 ? l2 * (beta[j] as number) : 0));
    }
    const cholesky = new CholeskyDecomposition(system);
    if (!cholesky.isPositiveDefinite()) {
      throw new Error('logistic regression: singular system; raise the L2 penalty');
    }
    const step = cholesky.solve(rhs);
    let largest = 0;
    for (let j = 0; j < p; j += 1) {
      const delta = step.get(j, 0);
      beta[j] = (beta[j] as number) + delta;
      largest = Math.max(largest, Math.abs(delta));
    }
    converged = largest < 1e-8;
  }
  return {
    intercept: beta[0] as number,
    coefficients: Array.from(beta.subarray(1)),
    iterations,
    converged,
  };
}

export function linearPredictor(
  fit: Pick<LogisticFit, 'intercept' | 'coefficients'>,
  row: Float64Array,
): number {
  let eta = fit.intercept;
  for (let j = 0; j < fit.coefficients.length; j += 1) {
    eta += (fit.coefficients[j] as number) * (row[j] as number);
  }
  return eta;
}
