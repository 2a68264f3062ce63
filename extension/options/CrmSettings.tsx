import { useEffect, useState } from 'react';
import { readConfig, writeConfig, type ExtensionConfig } from '../shared/settings.ts';
import { crmCatalogue, originPattern, type BuiltInCrm } from '../shared/crm-catalogue.ts';
import { sendMessage } from '../messaging/client.ts';
import { describeDetection } from './detection-report.ts';

/** The CRM's hosts, plus the origin entered for a self-hosted CRM or a custom domain. */
function patternsFor(crm: BuiltInCrm, config: ExtensionConfig, origin?: string): string[] {
  const pattern = originPattern(origin ?? config.selfHostedOrigins[crm.id] ?? '');
  if (crm.selfHosted) return pattern ? [pattern] : [];
  return crm.customDomain && pattern ? [...crm.matchPatterns, pattern] : [...crm.matchPatterns];
}

/** Which signals found what on the CRM's most recent tab (read by the worker, not here). */
async function tryOnTab(crm: BuiltInCrm, config: ExtensionConfig): Promise<string[]> {
  const tabs = await chrome.tabs.query({ url: patternsFor(crm, config) });
  const tab = tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
  if (tab?.id === undefined) return [`Open a ${crm.label} page in a tab first.`];
  return describeDetection(await sendMessage('get-tab-customer', { tabId: tab.id }), crm.label);
}

/** The backend serves the demo CRM at /demo, so its address is the backend's origin. */
function demoOrigin(backendUrl: string | null | undefined): string {
  if (!backendUrl) return '';
  try {
    return new URL(backendUrl).origin;
  } catch {
    return '';
  }
}

/**
 * Enabling a CRM asks for its origins at that click; disabling gives them back. The demo CRM's
 * address, until one is stored or typed, is the saved backend's.
 */
export function CrmSettings({ backendUrl }: { backendUrl?: string | null } = {}) {
  const [config, setConfig] = useState<ExtensionConfig | null>(null);
  const [origins, setOrigins] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [tryResults, setTryResults] = useState<Record<string, string[]>>({});

  useEffect(() => {
    void readConfig().then((loaded) => {
      setConfig(loaded);
      setOrigins(loaded.selfHostedOrigins);
    });
  }, []);
  if (!config) return null;

  /** What the address field shows: what was typed or stored, else the default. */
  const originOf = (crm: BuiltInCrm): string =>
    origins[crm.id] ?? (crm.id === 'demo' ? demoOrigin(backendUrl) : '');

  async function toggle(crm: BuiltInCrm, enable: boolean) {
    if (!config) return;
    const origin = originOf(crm).trim() || undefined;
    if (crm.customDomain && origin && (!/^https:\/\//i.test(origin) || !originPattern(origin))) {
      setMessage(`${crm.label}: your own domain must be an https address.`);
      return;
    }
    const patterns = patternsFor(crm, config, origin);
    if (patterns.length === 0) {
      setMessage(`${crm.label}: enter its address (for example https://rt.example.org) first.`);
      return;
    }
    if (enable) {
      const granted = await chrome.permissions.request({ origins: patterns });
      if (!granted) {
        setMessage(`${crm.label} stays off: access to its pages was not granted.`);
        return;
      }
    } else {
      await chrome.permissions.remove({ origins: patterns }).catch(() => false);
    }
    // Read again: the backend section may have saved since this page loaded.
    const current = await readConfig();
    const selfHostedOrigins = { ...current.selfHostedOrigins };
    if ((crm.selfHosted || crm.customDomain) && origin) {
      selfHostedOrigins[crm.id] = new URL(origin).origin;
    } else if (crm.customDomain && !origin) {
      delete selfHostedOrigins[crm.id];
    }
    const next: ExtensionConfig = {
      ...current,
      selfHostedOrigins,
      enabledCrms: enable
        ? [...new Set([...current.enabledCrms, crm.id])]
        : current.enabledCrms.filter((id) => id !== crm.id),
    };
    await writeConfig(next);
    setConfig(next);
    setMessage(`${crm.label} ${enable ? 'enabled' : 'disabled'}.`);
  }

  const loaded = config;
  function renderCrm(crm: BuiltInCrm) {
    const enabled = loaded.enabledCrms.includes(crm.id);
    return (
      <fieldset key={crm.id}>
        <legend>{crm.label}</legend>
        {crm.selfHosted ? (
          <label>
            Address of your {crm.label}
            <input
              type="url"
              name={`origin-${crm.id}`}
              value={originOf(crm)}
              disabled={enabled}
              placeholder={
                crm.id === 'demo' ? 'http://localhost:8787' : 'https://helpdesk.example.org'
              }
              onChange={(e) => setOrigins({ ...origins, [crm.id]: e.target.value })}
            />
          </label>
        ) : (
          <p>{crm.matchPatterns.join(', ')}</p>
        )}
        {crm.id === 'demo' ? (
          <p>
            The backend serves the demo CRM at /demo, so its address is filled in from the backend's
            address above.
          </p>
        ) : null}
        {crm.customDomain ? (
          <label>
            Your own domain for {crm.label} (optional)
            <input
              type="url"
              name={`origin-${crm.id}`}
              value={origins[crm.id] ?? ''}
              disabled={enabled}
              placeholder="https://support.example.com"
              onChange={(e) => setOrigins({ ...origins, [crm.id]: e.target.value })}
            />
          </label>
        ) : null}
        <button type="button" aria-pressed={enabled} onClick={() => void toggle(crm, !enabled)}>
          {enabled ? `Disable ${crm.label}` : `Enable ${crm.label}`}
        </button>
        {enabled ? (
          <button
            type="button"
            onClick={() =>
              void tryOnTab(crm, loaded)
                .catch((error: Error) => [error.message])
                .then((lines) => setTryResults((all) => ({ ...all, [crm.id]: lines })))
            }
          >
            Try on this tab
          </button>
        ) : null}
        {tryResults[crm.id] ? (
          <ul aria-label={`${crm.label} detection`}>
            {tryResults[crm.id]?.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : null}
      </fieldset>
    );
  }

  return (
    <section aria-labelledby="crms-heading">
      <h2 id="crms-heading">CRMs</h2>
      <p>LoopDesk reads only the CRMs you enable here; Chrome asks you to allow each one.</p>
      {crmCatalogue.filter((crm) => !isChat(crm)).map(renderCrm)}
      <h3>Chat consoles</h3>
      <p>Where CSRs hold several conversations at once: the panel follows the open one.</p>
      {crmCatalogue.filter(isChat).map(renderCrm)}
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}

function isChat(crm: BuiltInCrm): boolean {
  return crm.chat === true;
}
