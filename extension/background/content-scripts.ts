import { crmCatalogue, originPattern } from '../shared/crm-catalogue.ts';
import type { ExtensionConfig } from '../shared/settings.ts';
import { ruleMatchPattern, validateRule } from '../shared/rules.ts';
import { messageSoftphones, pageSoftphones } from '../shared/softphone-catalogue.ts';
import { contentScriptFiles } from './content-script-files.ts';

const registrationPrefix = 'loopdesk-crm-';
/** The single registration of earlier versions (all CRMs in one file): removed on sync. */
const legacyRegistrationId = 'loopdesk-crm';

/** One content script file and the origins it is wanted on. */
export interface WantedScript {
  /** Registration id: `loopdesk-crm-<crm id>` or `loopdesk-crm-rules`. */
  id: string;
  file: string;
  patterns: string[];
}

/**
 * Per enabled built-in CRM: its file for its hosts plus the origin the admin entered (a
 * self-hosted CRM's, or a CRM's custom domain); and the rules' file for the rules' origins.
 */
export function wantedScripts(config: ExtensionConfig, rules: unknown[]): WantedScript[] {
  const wanted: WantedScript[] = [];
  for (const crm of crmCatalogue) {
    if (!config.enabledCrms.includes(crm.id)) continue;
    const patterns = new Set<string>(crm.matchPatterns);
    const origin = config.selfHostedOrigins[crm.id];
    const pattern = origin ? originPattern(origin) : null;
    if ((crm.selfHosted || crm.customDomain) && pattern) patterns.add(pattern);
    if (patterns.size === 0) continue;
    wanted.push({
      id: `${registrationPrefix}${crm.id}`,
      file: contentScriptFiles[crm.id],
      patterns: [...patterns].sort(),
    });
  }
  const rulePatterns = new Set<string>();
  for (const rule of rules) {
    const validation = validateRule(rule);
    if (validation.ok) rulePatterns.add(ruleMatchPattern(validation.rule));
  }
  if (rulePatterns.size) {
    wanted.push({
      id: `${registrationPrefix}rules`,
      file: contentScriptFiles.rules,
      patterns: [...rulePatterns].sort(),
    });
  }
  const softphones = config.enabledSoftphones ?? [];
  // Embedded softphones post to the page around them: the CRM pages (and rule origins) where
  // LoopDesk already runs. Their file listens only when one is enabled.
  const embeddingPatterns = new Set(wanted.flatMap((script) => script.patterns));
  if (messageSoftphones.some((phone) => softphones.includes(phone.id)) && embeddingPatterns.size) {
    wanted.push({
      id: `${registrationPrefix}softphone-messages`,
      file: contentScriptFiles['softphone-messages'],
      patterns: [...embeddingPatterns].sort(),
    });
  }
  for (const phone of pageSoftphones) {
    if (!softphones.includes(phone.id)) continue;
    wanted.push({
      id: `${registrationPrefix}softphone-${phone.id}`,
      file: contentScriptFiles[`softphone-${phone.id}`],
      patterns: [...phone.matchPatterns].sort(),
    });
  }
  return wanted;
}

/** Of the wanted scripts, each with only the patterns the user has granted (none: left out). */
async function grantedScripts(config: ExtensionConfig, rules: unknown[]): Promise<WantedScript[]> {
  const granted: WantedScript[] = [];
  for (const script of wantedScripts(config, rules)) {
    const patterns: string[] = [];
    for (const pattern of script.patterns) {
      if (await chrome.permissions.contains({ origins: [pattern] })) patterns.push(pattern);
    }
    if (patterns.length) granted.push({ ...script, patterns });
  }
  return granted;
}

/** Makes the dynamic registrations match the granted origins, one per CRM file. */
export async function syncContentScripts(
  config: ExtensionConfig,
  rules: unknown[],
): Promise<WantedScript[]> {
  const scripts = await grantedScripts(config, rules);
  const existing = await chrome.scripting.getRegisteredContentScripts();
  const ours = existing.filter(
    (s) => s.id === legacyRegistrationId || s.id.startsWith(registrationPrefix),
  );
  const wantedIds = new Set(scripts.map((s) => s.id));
  const stale = ours.filter((s) => !wantedIds.has(s.id)).map((s) => s.id);
  if (stale.length) await chrome.scripting.unregisterContentScripts({ ids: stale });
  const registered = new Set(ours.map((s) => s.id));
  const toRegistration = (script: WantedScript) => ({
    id: script.id,
    js: [script.file],
    matches: script.patterns,
    runAt: 'document_idle' as const,
    allFrames: false,
    persistAcrossSessions: true,
  });
  const updates = scripts.filter((s) => registered.has(s.id)).map(toRegistration);
  const additions = scripts.filter((s) => !registered.has(s.id)).map(toRegistration);
  if (updates.length) await chrome.scripting.updateContentScripts(updates);
  if (additions.length) await chrome.scripting.registerContentScripts(additions);
  return scripts;
}

/** Content scripts do not reach tabs opened before install or update: inject them there. */
export async function injectIntoOpenTabs(scripts: WantedScript[]): Promise<void> {
  await Promise.all(
    scripts.map(async (script) => {
      const tabs = await chrome.tabs.query({ url: script.patterns });
      await Promise.all(
        tabs.map(async (tab) => {
          if (tab.id === undefined) return;
          try {
            await chrome.scripting.executeScript({
              target: { tabId: tab.id },
              files: [script.file],
            });
          } catch {
            // A tab that navigated away or shows an error page: nothing to inject into.
          }
        }),
      );
    }),
  );
}
