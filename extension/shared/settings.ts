import { z } from 'zod';
import { legacyCrmIds } from './crm-catalogue.ts';
import { configStorageKey, ruleAdaptersStorageKey } from './storage-keys.ts';

/**
 * Settings in chrome.storage.local. Content scripts can read and write storage.local, so
 * nothing here is secret or decides where data goes: the token and the backend URL are kept
 * by the worker (storage.session + IndexedDB). What is here takes effect only on origins the
 * user granted (the worker registers the content script for granted origins only). Read by the
 * worker and the options page; only the options page writes them (never the content script: a
 * lint rule keeps it from importing this module).
 */

const configSchema = z.object({
  /**
   * Always null when read: earlier versions kept the backend URL here, where content scripts can
   * write it. The key stays so their configs still parse; a value found here is ignored.
   */
  backendUrl: z
    .unknown()
    .transform((): null => null)
    .optional(),
  enabledCrms: z.array(z.string().max(40)).max(50),
  /** Origins of self-hosted built-in CRMs, by CRM id (e.g. rt → https://rt.example.org). */
  selfHostedOrigins: z.record(z.string(), z.url({ protocol: /^https?$/ })),
  /** Softphones enabled (shared/softphone-catalogue.ts ids); absent in configs before calls. */
  enabledSoftphones: z.array(z.string().max(40)).max(30).optional(),
});
export type ExtensionConfig = z.infer<typeof configSchema>;

export const defaultConfig: ExtensionConfig = {
  enabledCrms: [],
  selfHostedOrigins: {},
};

/** The stored rule adapters (./rules.ts RuleAdapterConfig[]), unvalidated. */
export async function readRules(
  storage: Pick<chrome.storage.StorageArea, 'get'> = chrome.storage.local,
): Promise<unknown[]> {
  const stored = (await storage.get(ruleAdaptersStorageKey))[ruleAdaptersStorageKey];
  return Array.isArray(stored) ? stored : [];
}

/** Reads the config; a damaged value falls back to defaults rather than breaking the worker. */
export async function readConfig(
  storage: Pick<chrome.storage.StorageArea, 'get'> = chrome.storage.local,
): Promise<ExtensionConfig> {
  const stored = (await storage.get(configStorageKey))[configStorageKey];
  const parsed = configSchema.safeParse({ ...defaultConfig, ...(stored as object | undefined) });
  return parsed.success ? withCurrentCrmIds(parsed.data) : defaultConfig;
}

export async function writeConfig(
  config: ExtensionConfig,
  storage: Pick<chrome.storage.StorageArea, 'set'> = chrome.storage.local,
): Promise<void> {
  await storage.set({ [configStorageKey]: configSchema.parse(config) });
}

/** A config saved under an earlier version's CRM ids, with today's ids (see legacyCrmIds). */
function withCurrentCrmIds(config: ExtensionConfig): ExtensionConfig {
  const current = (id: string) => legacyCrmIds[id] ?? id;
  return {
    ...config,
    enabledCrms: [...new Set(config.enabledCrms.map(current))],
    selfHostedOrigins: Object.fromEntries(
      Object.entries(config.selfHostedOrigins).map(([id, origin]) => [current(id), origin]),
    ),
  };
}
