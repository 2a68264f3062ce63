import { portSender } from '../../messaging/port.ts';
import { contextAlive, isContextInvalidated } from '../extension-context.ts';
import type {
  CallMessageReader,
  SoftphoneCall,
  SoftphoneMessageAdapter,
  SoftphonePageAdapter,
} from './types.ts';
import { isGoingOn } from './read.ts';

// What every softphone content script file runs (content/entries/softphone-*.entry.ts). A page
// softphone's file is registered for that softphone's hosts; the message adapters' file for the
// pages that embed softphone iframes. Files landing in one page (injected twice, or two files)
// join one live instance kept on window, as the CRM content script does (content/start.ts); its
// own flag, so a CRM file and a softphone file in the same page each run.
const INSTANCE_FLAG = '__loopdeskSoftphoneScript';

/** An undelivered report is sent again after 0.5 s, then less often, up to every 30 s. */
const REPORT_RETRY_FIRST_MS = 500;
const REPORT_RETRY_MAX_MS = 30_000;
/** The worker's schema takes page addresses up to this long. */
const MAX_URL_LENGTH = 4096;
// Markup changes that can show or hide a call without adding or removing nodes.
const VISIBILITY_ATTRIBUTES = ['hidden', 'style', 'aria-hidden'];

/** What one softphone content script file brings to the page. */
export interface SoftphoneBundle {
  /** The file's name (`softphone-<id>`, `softphone-messages`): a file injected twice joins once. */
  name: string;
  pageAdapters?: readonly SoftphonePageAdapter[];
  messageAdapters?: readonly SoftphoneMessageAdapter[];
}

interface Instance {
  isAlive(): boolean;
  stop(): void;
  join(bundle: SoftphoneBundle): void;
}

type FlaggedWindow = Window & { [INSTANCE_FLAG]?: Instance };

/** The call one source (a page's markup, its own messages, an embedded softphone) shows. */
interface SourceState {
  call: SoftphoneCall | null;
  /** When it last changed (a counter): the newest call going on is the tab's. */
  changedAt: number;
}

export function startSoftphoneScript(bundle: SoftphoneBundle): void {
  const win = window as FlaggedWindow;
  const existing = win[INSTANCE_FLAG];
  if (existing?.isAlive()) {
    existing.join(bundle);
    return;
  }
  existing?.stop();

  // Captured now: after a reload the global may belong to the new context, not this one.
  const runtime = chrome.runtime;
  const send = portSender(runtime);
  const joined = new Set<string>();
  const pageAdapters: SoftphonePageAdapter[] = [];
  const messageAdapters: SoftphoneMessageAdapter[] = [];
  const sources = new Map<string, SourceState>();
  let changes = 0;
  // Nothing reported yet means no call: a page that never shows one sends nothing.
  let lastKey: string | undefined = 'null';
  let stopped = false;
  let checkQueued = false;
  let observing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = REPORT_RETRY_FIRST_MS;

  const observer = new MutationObserver(() => queueCheck());

  function pageUrl(): URL | undefined {
    try {
      return new URL(win.location.href);
    } catch {
      return undefined;
    }
  }

  function matches(adapter: SoftphonePageAdapter, url: URL | undefined): boolean {
    try {
      return url !== undefined && adapter.matches(url);
    } catch {
      return false;
    }
  }

  function setSource(key: string, call: SoftphoneCall | null) {
    if (JSON.stringify(sources.get(key)?.call ?? null) === JSON.stringify(call)) return;
    sources.set(key, { call, changedAt: ++changes });
  }

  /** The newest call going on of any source, else the newest one just ended; null when none. */
  function tabCall(): SoftphoneCall | null {
    const newestFirst = [...sources.values()]
      .sort((a, b) => b.changedAt - a.changedAt)
      .map((source) => source.call)
      .filter((call): call is SoftphoneCall => call !== null);
    return newestFirst.find(isGoingOn) ?? newestFirst[0] ?? null;
  }

  function retryLater() {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      report();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, REPORT_RETRY_MAX_MS);
  }

  /** Reports the tab's call if it changed since the last report. */
  function report() {
    if (stopped) return;
    if (!contextAlive(runtime)) {
      stop();
      return;
    }
    const call = tabCall();
    const key = JSON.stringify(call);
    if (key === lastKey) return;
    lastKey = key;
    const href = win.location.href;
    const url = href.length <= MAX_URL_LENGTH ? href : `${win.location.origin}/`;
    const fail = (error: unknown) => {
      if (isContextInvalidated(error)) stop();
      else if (lastKey === key) {
        // Not taken (the worker was stopping): sent again unless the call changes first.
        lastKey = undefined;
        retryLater();
      }
    };
    try {
      send({ type: 'call-detected', call, url }).then(() => {
        retryDelay = REPORT_RETRY_FIRST_MS;
      }, fail);
    } catch (error) {
      fail(error);
    }
  }

  /** Watches the markup while an adapter that reads it claims the page. */
  function watchPage(url: URL | undefined) {
    const wanted = pageAdapters.some((adapter) => adapter.readsPage && matches(adapter, url));
    if (wanted === observing) return;
    observing = wanted;
    if (!wanted) {
      observer.disconnect();
      return;
    }
    observer.observe(win.document, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: VISIBILITY_ATTRIBUTES,
    });
  }

  function checkPage() {
    checkQueued = false;
    if (stopped) return;
    const url = pageUrl();
    for (const adapter of pageAdapters) {
      const claimed = matches(adapter, url);
      // Left the softphone's page (an SPA route): its own messages no longer describe this tab.
      if (!claimed && adapter.readOwnMessage) setSource(`own:${adapter.id}`, null);
      if (!claimed || !adapter.readsPage || !url) {
        setSource(`page:${adapter.id}`, null);
        continue;
      }
      try {
        setSource(`page:${adapter.id}`, adapter.detectCall(url, win.document));
      } catch {
        // A broken adapter says nothing new; the page goes on.
      }
    }
    watchPage(url);
    report();
  }

  /** Mutations come in bursts (a re-render): one check after the burst's microtasks. */
  function queueCheck() {
    if (stopped || checkQueued) return;
    checkQueued = true;
    queueMicrotask(() => {
      try {
        checkPage();
      } catch {
        checkQueued = false;
      }
    });
  }

  function readInto(key: string, read: CallMessageReader, event: MessageEvent) {
    let next: SoftphoneCall | null | undefined;
    try {
      next = read(event.data, sources.get(key)?.call ?? null);
    } catch {
      return;
    }
    if (next !== undefined) setSource(key, next);
  }

  /** Whether the sender is a frame directly inside this page (SDK iframes post to `parent`). */
  function isChildFrame(source: MessageEventSource | null): boolean {
    try {
      return source !== null && source !== win && (source as Window).parent === win;
    } catch {
      return false;
    }
  }

  function onMessage(event: MessageEvent) {
    try {
      // A script in the page can dispatch a MessageEvent naming any origin and source; only the
      // browser's own (a real postMessage) is trusted, and the page cannot fake that flag.
      if (stopped || !event.isTrusted) return;
      const changesBefore = changes;
      if (event.source === win) {
        // The page posting to itself (a CCP in its own tab): only from its own origin.
        if (event.origin !== win.location.origin) return;
        const url = pageUrl();
        for (const adapter of pageAdapters) {
          if (adapter.readOwnMessage && matches(adapter, url)) {
            readInto(`own:${adapter.id}`, adapter.readOwnMessage, event);
          }
        }
      } else if (isChildFrame(event.source)) {
        for (const adapter of messageAdapters) {
          let accepted = false;
          try {
            accepted = adapter.acceptsOrigin(event.origin);
          } catch {
            accepted = false;
          }
          // The origin decides before the data is looked at.
          if (accepted) readInto(`message:${adapter.id}`, adapter.readMessage, event);
        }
      }
      // Pages that post to themselves all the time (timer polyfills) cost a comparison only.
      if (changes !== changesBefore) report();
    } catch {
      // Nothing is thrown into the page.
    }
  }

  function onPageShow(event: PageTransitionEvent) {
    // Back/forward cache restore: the worker may have dropped this tab's call meanwhile.
    if (event.persisted) lastKey = undefined;
    queueCheck();
  }

  const navigation = (win as Window & { navigation?: EventTarget }).navigation;

  function stop() {
    if (stopped) return;
    stopped = true;
    observer.disconnect();
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    win.removeEventListener('message', onMessage);
    win.removeEventListener('popstate', queueCheck);
    win.removeEventListener('pageshow', onPageShow);
    navigation?.removeEventListener('navigatesuccess', queueCheck);
  }

  function join(joining: SoftphoneBundle) {
    if (stopped || joined.has(joining.name)) return;
    joined.add(joining.name);
    const known = (id: string, list: readonly { id: string }[]) => list.some((a) => a.id === id);
    for (const adapter of joining.pageAdapters ?? []) {
      if (!known(adapter.id, pageAdapters)) pageAdapters.push(adapter);
    }
    // A softphone's own tab says what it shows from the start, no call included: reloaded with
    // no call on screen, it ends the call it showed before (a CRM page hosting an embedded
    // softphone stays silent until a call shows).
    const url = pageUrl();
    const ownTab = (joining.pageAdapters ?? []).some((a) => a.readsPage && matches(a, url));
    if (ownTab && sources.size === 0 && lastKey === 'null') lastKey = undefined;
    for (const adapter of joining.messageAdapters ?? []) {
      if (!known(adapter.id, messageAdapters)) messageAdapters.push(adapter);
    }
    queueCheck();
  }

  // Claim the page first so a second file sees this instance.
  win[INSTANCE_FLAG] = { isAlive: () => !stopped && contextAlive(runtime), stop, join };
  win.addEventListener('message', onMessage);
  win.addEventListener('popstate', queueCheck);
  win.addEventListener('pageshow', onPageShow);
  navigation?.addEventListener('navigatesuccess', queueCheck);
  join(bundle);
}
