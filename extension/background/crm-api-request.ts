import type { PageSessionToken } from '../messaging/protocol.ts';

/**
 * Some helpdesks' APIs, called from the browser with the agent's session, want credentials the
 * page keeps in its own world, which a content script (an isolated world) must not handle:
 * - ServiceNow wants the page's per-session anti-CSRF token in `X-UserToken`; the page keeps it
 *   in the global `g_ck`. Evidence: ServiceNow's "REST API session authentication"
 *   (X-UserToken = g_ck) in the developer docs (docs.servicenow.com, "Table API" / "Scripted REST
 *   API security"), and SN Utils (github.com/arnoudkooi/ServiceNow-Utils, inject.js), which reads
 *   `g_ck` the same way.
 * - Chatwoot's API takes devise_token_auth's sign-in headers (`access-token`, `client`, `uid`),
 *   not its cookie; the dashboard keeps them as JSON in the script-set cookie
 *   `cw_d_session_info` and sends them on every call (chatwoot/chatwoot
 *   app/javascript/dashboard/api/auth.js `Cookies.getJSON('cw_d_session_info')`,
 *   app/javascript/dashboard/helper/APIHelper.js; lynndylanhurley/devise_token_auth
 *   concerns/set_user_by_token.rb reads uid, access-token and client).
 * So the request runs in the page's own world, started from here, and only the answer comes
 * back: the credentials stay where they already were.
 */
export interface PageApiAnswer {
  status: number;
  body: unknown;
}

/** Runs in the page (world MAIN): self-contained, no closure over worker variables. */
async function fetchWithPageSession(
  path: string,
  kind: PageSessionToken,
): Promise<PageApiAnswer | null> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (kind === 'servicenow-g_ck') {
    const token = (globalThis as { g_ck?: unknown }).g_ck;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return null;
    headers['X-UserToken'] = token;
  } else {
    const cookie = document.cookie
      .split('; ')
      .find((entry) => entry.startsWith('cw_d_session_info='));
    if (!cookie || cookie.length > 4096) return null;
    let session: unknown;
    try {
      session = JSON.parse(decodeURIComponent(cookie.slice('cw_d_session_info='.length)));
    } catch {
      return null;
    }
    for (const name of ['access-token', 'client', 'uid']) {
      const value = (session as Record<string, unknown> | null)?.[name];
      if (typeof value !== 'string' || value.length === 0 || value.length > 512) return null;
      headers[name] = value;
    }
  }
  const response = await fetch(path, { credentials: 'same-origin', headers, redirect: 'error' });
  if (!response.ok) return { status: response.status, body: null };
  const text = await response.text();
  if (text.length > 1_000_000) return { status: 413, body: null };
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: 502, body: null };
  }
}

type Scripting = Pick<typeof chrome.scripting, 'executeScript'>;

/** Runs the request in the sending frame's page; null when it could not run there. */
export async function runInPage(
  scripting: Scripting,
  tabId: number,
  frameId: number,
  path: string,
  kind: PageSessionToken,
): Promise<PageApiAnswer | null> {
  try {
    const [injection] = await scripting.executeScript({
      target: { tabId, frameIds: [frameId] },
      world: 'MAIN',
      func: fetchWithPageSession,
      args: [path, kind],
    });
    const result = injection?.result as PageApiAnswer | null | undefined;
    return result && typeof result.status === 'number' ? result : null;
  } catch {
    return null;
  }
}
