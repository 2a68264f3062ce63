import { z } from 'zod';
import { legacyCrmIds } from '../shared/crm-catalogue.ts';
import { ruleAdaptersStorageKey } from '../shared/storage-keys.ts';

/**
 * Settings in chrome.storage.local. Nothing secret lives here: content scripts can read
 * storage.local. The token is kept by the worker (storage.session + IndexedDB).
 */
export const configStorageKey = 'loopdesk.config';

export const configSchema = z.object({
  backendUrl: z.url({ protocol: /^https?$/ }).nullable(),
  enabledCrms: z.array(z.string().max(40)).max(50),
  /** Origins of self-hosted built-in CRMs, by CRM id (e.g. rt → https://rt.example.org). */
  selfHostedOrigins: z.record(z.string(), z.url({ protocol: /^https?$/ })),
});
export type ExtensionConfig = z.infer<typeof configSchema>;

export const defaultConfig: ExtensionConfig = {
  backendUrl: null,
  enabledCrms: [],
  selfHostedOrigins: {},
};

/** The stored rule adapters (extension/shared/rules.ts RuleAdapterConfig[]), unvalidated. */
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
export function withCurrentCrmIds(config: ExtensionConfig): ExtensionConfig {
  const current = (id: string) => legacyCrmIds[id] ?? id;
  return {
    ...config,
    enabledCrms: [...new Set(config.enabledCrms.map(current))],
    selfHostedOrigins: Object.fromEntries(
      Object.entries(config.selfHostedOrigins).map(([id, origin]) => [current(id), origin]),
    ),
  };
}
