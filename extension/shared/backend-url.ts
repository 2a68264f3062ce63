import { originPattern } from './crm-catalogue.ts';

/**
 * Hosts on this computer. Plain http is accepted only for these: the token travels in every
 * request, and on any other host http would show it to the network.
 */
const loopbackHosts: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export type BackendUrlCheck =
  | {
      ok: true;
      /** The URL to store and use: no trailing slash, no query, no fragment. */
      url: string;
      origin: string;
      /** The host permission that covers it (match patterns take no port). */
      pattern: string;
    }
  | { ok: false; reason: string };

/**
 * Whether an address may be used as the backend at all, before asking whether the user granted
 * it. Both the options page (to refuse it on save) and the worker (on every use) run this.
 */
export function checkBackendUrl(raw: string): BackendUrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'Backend URL: enter an https:// address.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'Backend URL: enter an https:// address.' };
  }
  if (url.protocol === 'http:' && !loopbackHosts.includes(url.hostname)) {
    return {
      ok: false,
      reason:
        `Backend URL: use https://${url.host}. Plain http:// is accepted only for a backend on ` +
        'this computer (localhost, 127.0.0.1, [::1]).',
    };
  }
  if (url.username || url.password) {
    return { ok: false, reason: 'Backend URL: leave out the user name and password.' };
  }
  const pattern = originPattern(url.href);
  if (!pattern) return { ok: false, reason: 'Backend URL: enter an https:// address.' };
  url.search = '';
  url.hash = '';
  return { ok: true, url: url.href.replace(/\/$/, ''), origin: url.origin, pattern };
}
