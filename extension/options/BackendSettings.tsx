import { useEffect, useState } from 'react';
import { sendMessage } from '../messaging/client.ts';
import { readConfig, writeConfig } from '../messaging/config.ts';
import { originPattern } from '../shared/crm-catalogue.ts';
import type { ExtensionStatus } from '../messaging/protocol.ts';

/** Loopback backends are granted in the manifest; any other origin is requested on save. */
function needsPermission(url: URL): boolean {
  return !['localhost', '127.0.0.1'].includes(url.hostname);
}

export function BackendSettings() {
  const [backendUrl, setBackendUrl] = useState('');
  const [token, setToken] = useState('');
  const [status, setStatus] = useState<ExtensionStatus | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void readConfig().then((config) => setBackendUrl(config.backendUrl ?? ''));
    void sendMessage('get-status', {}).then(setStatus);
  }, []);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    let url: URL;
    try {
      url = new URL(backendUrl.trim());
      if (!/^https?:$/.test(url.protocol)) throw new Error('not http(s)');
    } catch {
      setMessage({ ok: false, text: 'Backend URL: enter an http:// or https:// address.' });
      return;
    }
    const pattern = originPattern(url.href);
    // Asked first, while the click still counts as the user's gesture.
    if (pattern && needsPermission(url)) {
      const granted = await chrome.permissions.request({ origins: [pattern] });
      if (!granted) {
        setMessage({
          ok: false,
          text: `LoopDesk needs access to ${url.origin} to reach the backend.`,
        });
        return;
      }
    }
    try {
      await writeConfig({ ...(await readConfig()), backendUrl: url.href.replace(/\/$/, '') });
      if (token.trim()) setStatus(await sendMessage('set-token', { token: token.trim() }));
      else setStatus(await sendMessage('get-status', {}));
      setToken('');
      setMessage({ ok: true, text: 'Saved.' });
    } catch (error) {
      setMessage({
        ok: false,
        text: `Not saved: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  async function forgetToken() {
    setStatus(await sendMessage('clear-token', {}));
    setMessage({ ok: true, text: 'Token removed.' });
  }

  return (
    <section aria-labelledby="backend-heading">
      <h2 id="backend-heading">Backend</h2>
      <form onSubmit={save}>
        <label>
          Backend URL
          <input
            type="url"
            name="backendUrl"
            value={backendUrl}
            placeholder="https://loopdesk.example.com"
            onChange={(e) => setBackendUrl(e.target.value)}
          />
        </label>
        <label>
          Token{' '}
          {status?.hasToken
            ? '(a token is saved; type a new one to replace it)'
            : '(none saved yet)'}
          <input
            type="password"
            name="token"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        <button type="submit">Save</button>
        {status?.hasToken ? (
          <button type="button" onClick={() => void forgetToken()}>
            Remove token
          </button>
        ) : null}
      </form>
      {message ? (
        <p role="status" className={message.ok ? 'ok' : 'problem'}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
