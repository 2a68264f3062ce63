/**
 * ServiceNow's REST API, called from the browser with the agent's session, wants the page's
 * per-session anti-CSRF token in `X-UserToken`; the page keeps it in the global `g_ck`, which a
 * content script (an isolated world) cannot see. So the request runs in the page's own world,
 * started from here, and only the answer comes back: the token stays where it already was.
 * Evidence: ServiceNow's "REST API session authentication" (X-UserToken = g_ck) in the
 * developer docs (docs.servicenow.com, "Table API" / "Scripted REST API security"), and
 * SN Utils (github.com/arnoudkooi/ServiceNow-Utils, inject.js), which reads `g_ck` the same way.
 */
export interface PageApiAnswer {
  status: number;
  body: unknown;
}

/** Runs in the page (world MAIN): self-contained, no closure over worker variables. */
async function fetchWithPageSessionToken(path: string): Promise<PageApiAnswer | null> {
  const token = (globalThis as { g_ck?: unknown }).g_ck;
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return null;
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-UserToken': token },
  });
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
): Promise<PageApiAnswer | null> {
  try {
    const [injection] = await scripting.executeScript({
      target: { tabId, frameIds: [frameId] },
      world: 'MAIN',
      func: fetchWithPageSessionToken,
      args: [path],
    });
    const result = injection?.result as PageApiAnswer | null | undefined;
    return result && typeof result.status === 'number' ? result : null;
  } catch {
    return null;
  }
}
