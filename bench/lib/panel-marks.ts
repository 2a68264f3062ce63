import type { Page } from '@playwright/test';

/** A performance mark the panel set, read on the machine's one clock. */
export interface MarkSeen {
  /** performance.timeOrigin + startTime: epoch ms, comparable across pages and the worker. */
  at: number;
  detail: Record<string, unknown>;
}

/**
 * Waits for the first mark `name` set at or after `after` (epoch ms) whose detail holds every
 * field of `expected`: how the extension benches stop their clocks (extension/shared/timing-marks.ts).
 */
export async function waitForMark(
  page: Page,
  name: string,
  expected: Record<string, string>,
  after: number,
  timeoutMs = 5_000,
): Promise<MarkSeen> {
  const handle = await page.waitForFunction(
    ([mark, fields, since]) => {
      const entry = performance.getEntriesByName(mark as string, 'mark').find((e) => {
        const detail = ((e as PerformanceMark).detail ?? {}) as Record<string, unknown>;
        return (
          performance.timeOrigin + e.startTime >= (since as number) &&
          Object.entries(fields as Record<string, string>).every(([k, v]) => detail[k] === v)
        );
      }) as PerformanceMark | undefined;
      return entry
        ? { at: performance.timeOrigin + entry.startTime, detail: entry.detail as unknown }
        : null;
    },
    [name, expected, after] as const,
    { timeout: timeoutMs, polling: 5 },
  );
  return (await handle.jsonValue()) as MarkSeen;
}
