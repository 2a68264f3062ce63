// Every content script file outlives its extension context when the extension reloads or
// updates: these say when that happened, so the old instance stops and the new one takes over.

/** Whether this instance's own extension context still exists (`runtime.id` goes when it dies). */
export function contextAlive(runtime: typeof chrome.runtime | undefined): boolean {
  try {
    return Boolean(runtime?.id);
  } catch {
    return false;
  }
}

/** Whether a failed send failed because this instance's extension context is gone. */
export function isContextInvalidated(error: unknown): boolean {
  return /context invalidated/i.test(String((error as Error | undefined)?.message ?? error));
}
