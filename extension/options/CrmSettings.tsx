import { useEffect, useState } from 'react';
import { readConfig, writeConfig, type ExtensionConfig } from '../messaging/config.ts';
import { crmCatalogue, originPattern, type BuiltInCrm } from '../shared/crm-catalogue.ts';

function patternsFor(crm: BuiltInCrm, config: ExtensionConfig, origin?: string): string[] {
  if (!crm.selfHosted) return [...crm.matchPatterns];
  const pattern = originPattern(origin ?? config.selfHostedOrigins[crm.id] ?? '');
  return pattern ? [pattern] : [];
}

/** Enabling a CRM asks for its origins at that click; disabling gives them back. */
export function CrmSettings() {
  const [config, setConfig] = useState<ExtensionConfig | null>(null);
  const [origins, setOrigins] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void readConfig().then((loaded) => {
      setConfig(loaded);
      setOrigins(loaded.selfHostedOrigins);
    });
  }, []);
  if (!config) return null;

  async function toggle(crm: BuiltInCrm, enable: boolean) {
    if (!config) return;
    const origin = origins[crm.id]?.trim();
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
    if (crm.selfHosted && origin) selfHostedOrigins[crm.id] = new URL(origin).origin;
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

  return (
    <section aria-labelledby="crms-heading">
      <h2 id="crms-heading">CRMs</h2>
      <p>LoopDesk reads only the CRMs you enable here; Chrome asks you to allow each one.</p>
      {crmCatalogue.map((crm) => {
        const enabled = config.enabledCrms.includes(crm.id);
        return (
          <fieldset key={crm.id}>
            <legend>{crm.label}</legend>
            {crm.selfHosted ? (
              <label>
                Address of your {crm.label}
                <input
                  type="url"
                  name={`origin-${crm.id}`}
                  value={origins[crm.id] ?? ''}
                  disabled={enabled}
                  placeholder="https://helpdesk.example.org"
                  onChange={(e) => setOrigins({ ...origins, [crm.id]: e.target.value })}
                />
              </label>
            ) : (
              <p>{crm.matchPatterns.join(', ')}</p>
            )}
            <button type="button" aria-pressed={enabled} onClick={() => void toggle(crm, !enabled)}>
              {enabled ? `Disable ${crm.label}` : `Enable ${crm.label}`}
            </button>
          </fieldset>
        );
      })}
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}
