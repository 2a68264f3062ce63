/**
 * Names of the User Timing entries the extension leaves for the benchmarks
 * (bench/extension-*.bench.ts). Plain strings, so Node code can import them without the
 * contexts' browser code.
 */

/** Content script, benchmark builds only: one measure per detector callback on the page. */
export const contentWorkMeasure = 'loopdesk:content-work';

/** Side panel: a mark when a customer's insights are in the DOM (detail: customerId, decisionId). */
export const insightsShownMark = 'loopdesk:insights-shown';
