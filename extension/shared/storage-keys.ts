/**
 * chrome.storage.local key holding the admin's rule adapters (RuleAdapterConfig[] from
 * ./rules.ts, non-secret): written by the options page, read by the content script and the worker.
 */
export const ruleAdaptersStorageKey = 'ruleAdapters';
