import os from 'node:os';

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Milliseconds as a latency figure reports them: median, 95th percentile, worst. */
export function latencySummary(samples: number[]): {
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50_ms: median(samples),
    p95_ms: percentile(sorted, 0.95),
    max_ms: sorted.at(-1) ?? Number.NaN,
  };
}

/** One-minute load average, printed beside every figure: the machine is shared. */
function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(2);
}

/** A line `bench/run.mjs` collects: `metric key=value key=value`. */
export function printFigure(metric: string, values: Record<string, string | number>): void {
  const parts = Object.entries(values).map(([key, value]) => {
    const text = typeof value === 'number' ? formatNumber(value) : value;
    return `${key}=${text.replace(/\s+/g, '_')}`;
  });
  console.log(`${metric} ${parts.join(' ')} load1=${loadAverage()}`);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Progress and notes go to stderr so only figure lines reach stdout. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
