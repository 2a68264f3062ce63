import type { CrmAdapter, CustomerRef } from './crm/types.ts';
import { isContextInvalidated } from './extension-context.ts';
import type {
  DetectionObservation,
  DetectionSignal,
  DetectionSignals,
  Message,
} from '../messaging/protocol.ts';
import type { ApiLookups } from './api-lookups.ts';
import { namesCustomer } from './crm/read.ts';
import { timed } from '../shared/timing-marks.ts';

export const CHECK_DELAY_MS = 75;
/**
 * A claimed page that shows no customer this long after it was opened counts as missed in
 * detection health (lazy CRM pages render their record within a second or two).
 */
export const MISS_AFTER_MS = 10_000;
/** Undelivered reports are retried after 0.5 s, then less often, up to every 30 s. */
export const REPORT_RETRY_FIRST_MS = 500;
const REPORT_RETRY_MAX_MS = 30_000;

/** The part of the Navigation API's NavigateEvent read here (not yet in TypeScript's DOM lib). */
interface NavigateEventLike {
  destination?: { url?: string; sameDocument?: boolean };
}

const MAIN_REGION = 'main, [role="main"]';

export interface DetectorOptions {
  /** Adapters in priority order; called on every check so rule changes apply at once. */
  adapters: () => readonly CrmAdapter[];
  send: (message: Message<'customer-detected'>) => Promise<unknown> | void;
  /** The CRM API lookups of this tab; without them only the address and the page are read. */
  lookups?: ApiLookups;
  /** One observation per visit to a claimed page, for detection health. */
  observe?: (observation: DetectionObservation) => void;
  win?: Window;
  /** Called once the extension context is gone (extension reloaded or removed). */
  onInvalidated?: () => void;
}

export interface Detector {
  /** Detect now and report if the customer changed. */
  check(): void;
  /** Ask for a check soon; repeated requests within the delay coalesce into one. */
  schedule(): void;
  stop(): void;
}

/** What the page shows: the ref, or `undefined` when an adapter threw (report nothing). */
export function detectCustomer(
  adapters: readonly CrmAdapter[],
  url: URL,
  doc: Document,
): CustomerRef | null | undefined {
  for (const adapter of adapters) {
    let matches = false;
    try {
      matches = adapter.matches(url);
    } catch {
      continue;
    }
    if (!matches) continue;
    try {
      return adapter.detect(url, doc);
    } catch {
      return undefined;
    }
  }
  return null;
}

/** What a page shows, and which signal showed it. */
interface PageDetection {
  ref: CustomerRef | null;
  signals: DetectionSignals | null;
  /** The claiming adapter's `conversationInAddress`. */
  conversationInAddress?: boolean;
}

/** Who a ref names (not where it was seen): a changed customer, whatever the context. */
function customerOf(ref: CustomerRef | null | undefined): string {
  return ref && namesCustomer(ref) ? JSON.stringify([ref.crm, ref.id, ref.email, ref.phone]) : '';
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * The customer from the first adapter that claims the page: its CRM's API answer where it has
 * one (asked once per record, never waited for), else what the address and the page show.
 * `undefined` when the adapter threw and the API has no answer (report nothing).
 */
function detectWithSignals(
  adapters: readonly CrmAdapter[],
  url: URL,
  doc: Document,
  lookups?: ApiLookups,
): PageDetection | undefined {
  for (const adapter of adapters) {
    if (!attempt(() => adapter.matches(url))) continue;
    const pageKind = attempt(() => adapter.pageKind(url)) ?? null;
    const lookup = lookups && adapter.apiLookup ? attempt(() => adapter.apiLookup?.(url)) : null;
    const api = lookup && lookups ? lookups.state(lookup) : null;
    const pageRef = attempt(() => adapter.detect(url, doc));
    if (pageRef === undefined && api?.status !== 'found') return undefined;
    const urlFound = Boolean(pageRef?.id && recordIdInUrl(pageRef.id, url));
    // A chat conversation is reported even when nothing names its customer (the panel says
    // so), but for detection health such a page found no customer.
    const pageNames = namesCustomer(pageRef);
    const readFromPage = Boolean(
      pageNames && pageRef && (!urlFound || pageRef.email || pageRef.phone || pageRef.displayName),
    );
    const apiRef = api?.status === 'found' ? api.ref : null;
    const ref = apiRef ?? pageRef ?? null;
    return {
      ref,
      conversationInAddress: adapter.conversationInAddress === true,
      signals: {
        crm: adapter.id,
        pageKind,
        api: api ? (api.status === 'found' ? 'found' : api.status) : 'not-offered',
        url: urlFound ? 'found' : 'none',
        page: readFromPage ? 'found' : 'none',
        chosen: apiRef ? 'api' : pageNames ? (urlFound ? 'url' : 'page') : null,
      },
    };
  }
  return { ref: null, signals: null };
}

/** True when the record id can be read in the URL itself (path, query or encoded parameter). */
function recordIdInUrl(recordId: string, url: URL): boolean {
  let href = url.href;
  try {
    href = decodeURIComponent(href);
  } catch {
    // A malformed escape: compare against the raw URL.
  }
  return href.toLowerCase().includes(recordId.toLowerCase());
}

interface VisitCounter {
  /** What the latest check found on this URL. */
  saw(url: URL, signals: DetectionSignals | null): void;
  /** The page is going away (closed, or a full navigation): the visit ends now. */
  leave(): void;
  stop(): void;
}

/**
 * Counts each visit to a claimed page once, for detection health: by the signal that first
 * found its customer, or as missed when none did within MISS_AFTER_MS or before the agent left.
 * A visit is one address (without its fragment) under one adapter and page kind.
 */
function visitCounter(
  observe: ((observation: DetectionObservation) => void) | undefined,
  recheck: () => void,
): VisitCounter {
  let visit:
    | {
        key: string;
        crm: string;
        pageKind: string;
        latest: DetectionSignal | null;
        counted: boolean;
      }
    | undefined;
  let missTimer: ReturnType<typeof setTimeout> | undefined;

  /** Counts the visit by what found its customer last (an API still pending may yet name it). */
  function settle(final: boolean) {
    if (!visit || visit.counted) return;
    const result = visit.latest ?? (final ? 'missed' : null);
    if (!result) return;
    visit.counted = true;
    if (missTimer !== undefined) clearTimeout(missTimer);
    missTimer = undefined;
    try {
      observe?.({ crm: visit.crm, pageKind: visit.pageKind, result });
    } catch {
      // Counting never gets in the way of detecting.
    }
  }

  return {
    saw(url, signals) {
      if (!observe) return;
      const pageKind = signals?.pageKind ?? null;
      const key = signals && pageKind ? `${signals.crm} ${pageKind} ${url.href.split('#')[0]}` : '';
      if (visit?.key !== key) {
        settle(true);
        visit = undefined;
        if (!signals || !pageKind) return;
        const opened = { key, crm: signals.crm, pageKind, latest: null, counted: false };
        visit = opened;
        missTimer = setTimeout(() => {
          missTimer = undefined;
          // A last look at the page first: it may have rendered the customer since.
          recheck();
          if (visit === opened) settle(true);
        }, MISS_AFTER_MS);
      }
      if (!visit) return;
      visit.latest = signals?.chosen ?? null;
      if (visit.latest && signals?.api !== 'pending') settle(false);
    },
    leave() {
      settle(true);
      visit = undefined;
    },
    stop() {
      if (missTimer !== undefined) clearTimeout(missTimer);
      missTimer = undefined;
    },
  };
}

/**
 * Watches the page for the active customer and reports changes only. Content scripts live in
 * an isolated world and cannot see the page's history.pushState, so SPA navigation is caught
 * through the Navigation API where present, popstate (fired for fragment navigation too), and a coalesced
 * MutationObserver on the title and the main region.
 */
export function startDetector(options: DetectorOptions): Detector {
  const win = options.win ?? window;
  const doc = win.document;
  let lastKey: string | undefined;
  let lastCustomer = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = REPORT_RETRY_FIRST_MS;
  let destinationSeen: string | undefined;
  let stopped = false;
  let observedTitle: Element | null = null;
  let observedMain: Element | null = null;

  const observer = new MutationObserver(timed('mutation', () => schedule()));
  const visits = visitCounter(options.observe, () => check());

  function observeRegions() {
    const title = doc.querySelector('title');
    const main = doc.querySelector(MAIN_REGION) ?? doc.body;
    if (title === observedTitle && main === observedMain) return;
    observer.disconnect();
    observedTitle = title;
    observedMain = main;
    // Without a <title> yet, watch <head> so the first one is noticed.
    const titleTarget = title ?? doc.head;
    if (titleTarget) {
      observer.observe(titleTarget, { childList: true, characterData: true, subtree: true });
    }
    if (main) observer.observe(main, { childList: true, subtree: true });
  }

  // Nested inside 'check': its share of the check's time (the benchmark does not add it again).
  const report = timed(
    'report',
    (ref: CustomerRef | null, signals: DetectionSignals | null, key: string, url: string) => {
      const message: Message<'customer-detected'> = {
        type: 'customer-detected',
        ref,
        url,
        ...(signals ? { signals } : {}),
      };
      const fail = (error: unknown) => {
        if (isContextInvalidated(error)) {
          stop();
          options.onInvalidated?.();
        } else if (lastKey === key) {
          lastKey = undefined;
          retryLater();
        }
      };
      const delivered = () => {
        retryDelay = REPORT_RETRY_FIRST_MS;
      };
      try {
        const pending = options.send(message);
        if (pending && typeof pending.then === 'function') pending.then(delivered, fail);
      } catch (error) {
        fail(error);
      }
    },
  );

  /**
   * Detects and reports a change. With `urlConfirmedOnly`, used the moment a navigation lands,
   * it reports only a customer whose record id is in the new URL: the DOM may still show the
   * previous record, so anything read from the page waits for the delayed check.
   */
  /** False when the page could not be trusted yet (`urlConfirmedOnly`): read it again later. */
  function detectAndReport(urlConfirmedOnly: boolean, href = win.location.href): boolean {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return true;
    }
    const detection = detectWithSignals(options.adapters(), url, doc, options.lookups);
    observeRegions();
    if (detection === undefined) return true;
    const { ref, signals } = detection;
    const confirmedByUrl =
      signals?.chosen === 'api' ||
      Boolean(ref?.id && recordIdInUrl(ref.id, url)) ||
      // A chat console's pane that already shows another customer has caught up with the switch.
      Boolean(
        detection.conversationInAddress && namesCustomer(ref) && customerOf(ref) !== lastCustomer,
      );
    if (urlConfirmedOnly && !confirmedByUrl) return false;
    if (!urlConfirmedOnly) visits.saw(url, signals);
    const key = JSON.stringify([ref, signals]);
    if (key === lastKey) return true;
    lastKey = key;
    lastCustomer = customerOf(ref);
    report(ref, signals, key, url.href);
    return true;
  }

  const check = timed('check', () => {
    if (stopped) return;
    timer = undefined;
    detectAndReport(false);
  });

  /**
   * A report the worker did not take (it was stopping, or starting) is sent again by a later
   * check; without one the panel would keep the previous customer until the page changed again.
   */
  function retryLater() {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      check();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, REPORT_RETRY_MAX_MS);
  }

  function schedule() {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(check, CHECK_DELAY_MS);
  }
  const onNavigation = timed('navigation', () => {
    if (stopped) return;
    // Already read from the destination when the navigation began (onNavigate).
    if (win.location.href !== destinationSeen) detectAndReport(true);
    destinationSeen = undefined;
    schedule();
  });

  /**
   * The Navigation API's `navigate` fires inside the page's own pushState, before the URL
   * changes and several milliseconds before `navigatesuccess`; its destination already names
   * the new record. Same-document navigations only: a cross-document one loads a new page,
   * whose own instance reports. A navigation the page then cancels is corrected by the check.
   */
  const onNavigate = timed('navigate', (event: Event) => {
    const destination = (event as NavigateEventLike).destination;
    if (stopped || !destination?.sameDocument || !destination.url) return;
    // Read again when the navigation lands unless the destination's customer is settled now.
    destinationSeen = detectAndReport(true, destination.url) ? destination.url : undefined;
    schedule();
  });

  const onPageShow = timed('pageshow', (event: PageTransitionEvent) => {
    // Back/forward cache restore: the worker may have dropped this tab's customer meanwhile.
    if (event.persisted) lastKey = undefined;
    schedule();
  });
  const navigation = (win as Window & { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('navigate', onNavigate);
  navigation?.addEventListener('navigatesuccess', onNavigation);
  win.addEventListener('popstate', onNavigation);
  win.addEventListener('pageshow', onPageShow);
  const onPageHide = () => visits.leave();
  win.addEventListener('pagehide', onPageHide);

  function stop() {
    if (stopped) return;
    stopped = true;
    visits.stop();
    if (timer !== undefined) clearTimeout(timer);
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    observer.disconnect();
    navigation?.removeEventListener('navigate', onNavigate);
    navigation?.removeEventListener('navigatesuccess', onNavigation);
    win.removeEventListener('popstate', onNavigation);
    win.removeEventListener('pageshow', onPageShow);
    win.removeEventListener('pagehide', onPageHide);
  }

  check();
  return { check, schedule, stop };
}
