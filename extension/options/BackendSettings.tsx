import { useEffect, useState } from 'react';
import { sendMessage } from '../messaging/client.ts';
import type { ExtensionStatus } from '../messaging/protocol.ts';
import { checkBackendUrl } from '../shared/backend-url.ts';
import { describeBackendCheck } from './backend-check.ts';

/** Granted in the manifest; any other backend origin is requested on save. */
const grantedAtInstall = ['localhost', '127.0.0.1'];

/** `onBackendUrl` hears the worker's backend URL, as loaded and as saved (the demo CRM's default). */
export function BackendSettings({
  onBackendUrl,
}: { onBackendUrl?: (backendUrl: string | null) => void } = {}) {
  const [backendUrl, setBackendUrl] = useState('');
  const [token, setToken] = useState('');
  const [status, setStatus] = useState<ExtensionStatus | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    // The worker's copy, never storage.local: a page could have written a URL there to be saved.
    void sendMessage('get-status', {}).then((loaded) => {
      setStatus(loaded);
      setBackendUrl(loaded.backendUrl ?? '');
      onBackendUrl?.(loaded.backendUrl);
    });
  }, [onBackendUrl]);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    const checked = checkBackendUrl(backendUrl);
    if (!checked.ok) {
      setMessage({ ok: false, text: checked.reason });
      return;
    }
    // Asked first, while the click still counts as the user's gesture. The worker uses only a
    // backend whose origin is granted, so this grant is what lets it talk to the backend.
    if (!grantedAtInstall.includes(new URL(checked.url).hostname)) {
      const granted = await chrome.permissions.request({ origins: [checked.pattern] });
      if (!granted) {
        setMessage({
          ok: false,
          text: `LoopDesk needs access to ${checked.origin} to reach the backend.`,
        });
        return;
      }
    }
    try {
      setBackendUrl(checked.url);
      const saved = await sendMessage('set-backend-url', { backendUrl: checked.url });
      setStatus(saved);
      onBackendUrl?.(saved.backendUrl);
      if (token.trim()) setStatus(await sendMessage('set-token', { token: token.trim() }));
      setToken('');
      setMessage({ ok: true, text: 'Saved. Checking the connection…' });
      // The worker asks: it holds the token, which this page never reads back.
      setMessage(describeBackendCheck(await sendMessage('check-backend', {})));
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
      ) : status?.backendRefused ? (
        <p role="status" className="problem">
          {status.backendRefused}
        </p>
      ) : null}
    </section>
  );
}
