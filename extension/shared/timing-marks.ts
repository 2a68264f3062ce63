/**
 * Names of the User Timing entries the extension leaves for the benchmarks
 * (bench/extension-*.bench.ts). Plain strings, so Node code can import them without the
 * contexts' browser code.
 */

/** Content script, benchmark builds only: one measure per detector callback on the page. */
export const contentWorkMeasure = 'loopdesk:content-work';

/** Side panel: a mark when a customer's insights are in the DOM (detail: customerId, decisionId). */
export const insightsShownMark = 'loopdesk:insights-shown';

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
export function markStage(name: string, detail: unknown): void {
  try {
    performance.mark(name, { detail });
  } catch {
    // User Timing unavailable: nothing to mark
  }
}
