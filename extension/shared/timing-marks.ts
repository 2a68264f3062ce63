/**
 * Every User Timing entry the extension leaves for the benchmarks (bench/extension-*.bench.ts),
 * and the only code that leaves them. The Chrome Web Store build (`vite build --mode store`, run
 * by `npm run package`) turns each function below into a no-op at build time, so the minifier
 * drops the calls and these names, and the store package marks nothing; `npm run build` (what the
 * benchmarks and e2e tests load) keeps them.
 *
 * The names are plain strings, so Node code can import them without the contexts' browser code;
 * `import.meta.env` is read only inside the functions, which Node code never calls.
 */

/** Content script, benchmark builds only: one measure per detector callback on the page. */
export const contentWorkMeasure = 'loopdesk:content-work';

/** Side panel: a mark when a customer's insights are in the DOM (detail: customerId, decisionId). */
export const insightsShownMark = 'loopdesk:insights-shown';

/**
 * Side panel: a mark when a call's banner shows its caller's insights, at every phase it
 * reaches (detail: the call key, the phase, the customer id).
 */
export const callShownMark = 'loopdesk:call-shown';

/**
 * Stages of the path from a detected customer to the panel (detail: the page URL), marked in the
 * worker and the panel so bench/extension-time-to-insight.bench.ts can say where time goes.
 */
export const customerPathMarks = {
  /** Worker: a content script's 'customer-detected' passed validation. */
  workerReceived: 'loopdesk:worker-customer-received',
  /** Worker: the tab's new customer is about to be pushed to the pages. */
  workerPushed: 'loopdesk:worker-customer-pushed',
  /** Panel: the push for the followed tab arrived. */
  panelReceived: 'loopdesk:panel-customer-received',
} as const;

/** Leaves a User Timing mark; never lets a missing or failing timeline affect the caller. */
function mark(name: string, detail: unknown): void {
  try {
    performance.mark(name, { detail });
  } catch {
    // User Timing unavailable: nothing to mark
  }
}

/** Marks a stage of the path from a detected customer (on the page at `url`) to the panel. */
export function markCustomerPath(stage: keyof typeof customerPathMarks, url: string): void {
  if (import.meta.env.MODE === 'store') return;
  mark(customerPathMarks[stage], url);
}

/** Marks the moment a customer's insights are in the DOM; the panel does not depend on it. */
export function markInsightsShown(customerId: string, decisionId: string): void {
  if (import.meta.env.MODE === 'store') return;
  mark(insightsShownMark, { customerId, decisionId });
}

/** Marks the moment a call's banner and its caller's insights are in the DOM. */
export function markCallShown(key: string, phase: string, customerId: string): void {
  if (import.meta.env.MODE === 'store') return;
  mark(callShownMark, { key, phase, customerId });
}

/**
 * Benchmark builds only (VITE_LOOPDESK_CONTENT_TIMING=1 at build time): wraps a callback the
 * detector runs on the page's main thread so that each run is recorded as a User Timing measure,
 * which the page's performance timeline shows to bench/extension-content-cost.bench.ts. In other
 * builds the condition is a constant and the callback is returned as it is.
 */
export function timed<Args extends unknown[]>(
  label: string,
  callback: (...args: Args) => void,
): (...args: Args) => void {
  if (import.meta.env.MODE === 'store' || import.meta.env.VITE_LOOPDESK_CONTENT_TIMING !== '1')
    return callback;
  return (...args) => {
    const start = performance.now();
    try {
      callback(...args);
    } finally {
      performance.measure(contentWorkMeasure, { start, end: performance.now(), detail: label });
    }
  };
}
