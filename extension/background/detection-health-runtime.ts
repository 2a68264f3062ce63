import { deliverDetectionReport } from './backend-access.ts';
import { DetectionCountStore, DetectionReporter } from './detection-health.ts';

/** A fresh reporter over IndexedDB; the worker keeps no detection state in memory. */
export function workerDetectionReporter(): DetectionReporter {
  return new DetectionReporter({
    store: new DetectionCountStore(),
    deliver: (report) => deliverDetectionReport(report),
    now: () => Date.now(),
    newBatchId: () => crypto.randomUUID(),
    warn: (message) => console.warn(message),
  });
}

/**
 * Sends the waiting detection counts, one send at a time across the worker (Web Locks), so two
 * deliveries close together never post the same batch twice at once. Never throws: counts that
 * did not go wait for the next delivery.
 */
export async function sendDetectionCounts(): Promise<void> {
  try {
    await navigator.locks.request('loopdesk-detection-health', () =>
      workerDetectionReporter().send(),
    );
  } catch (error) {
    console.warn('LoopDesk: detection counts not sent', error);
  }
}
