import { useEffect, useState } from 'react';
import { readConfig, writeConfig, type ExtensionConfig } from '../shared/settings.ts';
import { softphoneCatalogue, type Softphone } from '../shared/softphone-catalogue.ts';

/** What the options page says a softphone's adapter can see, in the admin's words. */
function whatItReads(phone: Softphone): string {
  if (phone.kind === 'message') {
    return `Reads the call events the embedded ${phone.label.replace(/ \(.*\)$/, '')} posts to your CRM page (only from ${phone.messageOrigins.join(', ')}).`;
  }
  switch (phone.detection) {
    case 'page':
      return 'Reads the ringing or connected call from the softphone tab.';
    case 'page-messages':
      return 'Reads the call state the softphone tab posts to itself.';
    case 'webhook-only':
      return (
        'Its page shows no call LoopDesk can read yet: connect the platform’s webhook to the ' +
        'backend (POST /v1/webhooks/…, or POST /v1/calls) and calls pop from there.'
      );
  }
}

/**
 * Softphones, enabled one by one like CRMs: a softphone in a tab of its own asks for its hosts
 * at that click; an embedded one needs no host of its own (it listens on the CRM pages).
 */
export function SoftphoneSettings() {
  const [config, setConfig] = useState<ExtensionConfig | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void readConfig().then(setConfig);
  }, []);
  if (!config) return null;

  async function toggle(phone: Softphone, enable: boolean) {
    const patterns = phone.kind === 'page' ? [...phone.matchPatterns] : [];
    if (patterns.length && enable) {
      const granted = await chrome.permissions.request({ origins: patterns });
      if (!granted) {
        setMessage(`${phone.label} stays off: access to its pages was not granted.`);
        return;
      }
    } else if (patterns.length) {
      await chrome.permissions.remove({ origins: patterns }).catch(() => false);
    }
    const current = await readConfig();
    const enabled = current.enabledSoftphones ?? [];
    const next: ExtensionConfig = {
      ...current,
      enabledSoftphones: enable
        ? [...new Set([...enabled, phone.id])]
        : enabled.filter((id) => id !== phone.id),
    };
    await writeConfig(next);
    setConfig(next);
    setMessage(`${phone.label} ${enable ? 'enabled' : 'disabled'}.`);
  }

  return (
    <section aria-labelledby="softphones-heading">
      <h2 id="softphones-heading">Softphones</h2>
      <p>
        With a softphone enabled, the panel shows the caller while the phone rings, before any
        record is open. Calls from a telephony platform’s webhook need nothing here.
      </p>
      {softphoneCatalogue.map((phone) => {
        const enabled = (config.enabledSoftphones ?? []).includes(phone.id);
        return (
          <fieldset key={phone.id}>
            <legend>
              {phone.label}
              {phone.experimental ? ' (experimental)' : ''}
            </legend>
            <p>{phone.kind === 'page' ? phone.matchPatterns.join(', ') : null}</p>
            <p>{whatItReads(phone)}</p>
            <button
              type="button"
              aria-pressed={enabled}
              onClick={() => void toggle(phone, !enabled)}
            >
              {enabled ? `Disable ${phone.label}` : `Enable ${phone.label}`}
            </button>
          </fieldset>
        );
      })}
      {message ? (
        <p role="status" data-testid="softphone-message">
          {message}
        </p>
      ) : null}
    </section>
  );
}
