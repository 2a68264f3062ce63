export interface UpliftEstimate {
  /** Treated outcome rate minus control outcome rate. */
  uplift: number;
  treatedRate: number;
  controlRate: number;
  /** Standard error of the difference of two independent proportions. */
  standardError: number;
  /** Normal-approximation 95% interval. */
  ci95: [number, number];
}

/** Uplift = outcome rate with suggestions minus the control group's (DESIGN.md, KPIs). */
export function estimateUplift(
  treated: { n: number; successes: number },
  control: { n: number; successes: number },
): UpliftEstimate | null {
  if (treated.n <= 0 || control.n <= 0) return null;
  const treatedRate = treated.successes / treated.n;
  const controlRate = control.successes / control.n;
  const uplift = treatedRate - controlRate;
  const standardError = Math.sqrt(
    (treatedRate * (1 - treatedRate)) / treated.n + (controlRate * (1 - controlRate)) / control.n,
  );
  return {
    uplift,
    treatedRate,
    controlRate,
    standardError,
    ci95: [uplift - 1.96 * standardError, uplift + 1.96 * standardError],
  };
}
