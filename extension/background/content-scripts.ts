// The import below yields the built file name of the content script, not its code: the worker
// registers that file for the granted origins. Contexts still share no code.
// eslint-disable-next-line no-restricted-imports
import contentScriptFile from '../content/index.ts?script&iife';
import { crmCatalogue, originPattern } from '../shared/crm-catalogue.ts';
import type { ExtensionConfig } from '../messaging/config.ts';
import { ruleMatchPattern, validateRule } from '../shared/rules.ts';

const registrationId = 'loopdesk-crm';

/** Origins the config asks for: enabled built-in CRMs, their self-hosted origins, rule adapters. */
export function wantedPatterns(config: ExtensionConfig, rules: unknown[]): string[] {
  const patterns = new Set<string>();
  for (const crm of crmCatalogue) {
    if (!config.enabledCrms.includes(crm.id)) continue;
    crm.matchPatterns.forEach((p) => patterns.add(p));
    const origin = config.selfHostedOrigins[crm.id];
    const pattern = origin ? originPattern(origin) : null;
    if (crm.selfHosted && pattern) patterns.add(pattern);
  }
  for (const rule of rules) {
    const validation = validateRule(rule);
    if (validation.ok) patterns.add(ruleMatchPattern(validation.rule));
  }
  return [...patterns].sort();
}

/** Of the wanted patterns, those the user has granted. */
export async function grantedPatterns(
  config: ExtensionConfig,
  rules: unknown[],
): Promise<string[]> {
  const granted: string[] = [];
  for (const pattern of wantedPatterns(config, rules)) {
    if (await chrome.permissions.contains({ origins: [pattern] })) granted.push(pattern);
  }
  return granted;
}

/** Makes the dynamic registration match the granted origins (none: unregistered). */
export async function syncContentScripts(
  config: ExtensionConfig,
  rules: unknown[],
): Promise<string[]> {
  const matches = await grantedPatterns(config, rules);
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [registrationId] });
  if (matches.length === 0) {
    if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [registrationId] });
    return matches;
  }
  const script = {
    id: registrationId,
    js: [contentScriptFile],
    matches,
    runAt: 'document_idle' as const,
    allFrames: false,
    persistAcrossSessions: true,
  };
  if (existing.length) await chrome.scripting.updateContentScripts([script]);
  else await chrome.scripting.registerContentScripts([script]);
  return matches;
}

/** Content scripts do not reach tabs opened before install or update: inject them there. */
export async function injectIntoOpenTabs(matches: string[]): Promise<void> {
  if (matches.length === 0) return;
  const tabs = await chrome.tabs.query({ url: matches });
  await Promise.all(
    tabs.map(async (tab) => {
      if (tab.id === undefined) return;
      try {
        await chrome.scripting.executeScript({
          target: { tabId: tab.id },
          files: [contentScriptFile],
        });
      } catch {
        // A tab that navigated away or shows an error page: nothing to inject into.
      }
    }),
  );
}
