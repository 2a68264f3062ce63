// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { DetectionObservation, Message } from '../messaging/protocol.ts';
import { createApiLookups } from './api-lookups.ts';
import {
  CHECK_DELAY_MS,
  MISS_AFTER_MS,
  REPORT_RETRY_FIRST_MS,
  detectCustomer,
  startDetector,
  type Detector,
} from './detector.ts';
import type { CrmAdapter, CustomerRef } from './crm/types.ts';
import { builtInAdapters } from './crm/index.ts';

const demoCustomerPage = (id: string, name: string) =>
  `<main data-demo-page="customer" data-customer-id="${id}"><h1 data-field="name">${name}</h1></main>`;

let detector: Detector | undefined;
let send: Mock<(message: Message<'customer-detected'>) => Promise<unknown> | void>;

function start(adapters: readonly CrmAdapter[] = builtInAdapters, onInvalidated?: () => void) {
  detector = startDetector({ adapters: () => adapters, send, onInvalidated });
  return detector;
}

const sentRefs = () => send.mock.calls.map(([message]) => message.ref);

/** Lets MutationObserver records and promise callbacks arrive, then runs the coalesced check. */
async function settle() {
  await Promise.resolve();
  await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 1);
}

beforeEach(() => {
  vi.useFakeTimers();
  send = vi.fn(() => Promise.resolve());
  document.title = 'Demo CRM';
  document.body.innerHTML = demoCustomerPage('C1', 'Ada Lovelace');
  history.replaceState(null, '', '/demo/customers/C1');
});

afterEach(() => {
  detector?.stop();
  detector = undefined;
  vi.useRealTimers();
  delete (window as { navigation?: unknown }).navigation;
});

describe('detectCustomer', () => {
  it('reports nothing (undefined) when the matching adapter throws, and skips a throwing matcher', () => {
    const url = new URL('http://localhost:8787/demo/customers/C1');
    const throwingDetect: CrmAdapter = {
      id: 'broken',
      matches: () => true,
      pageKind: () => null,
      detect: () => {
        throw new TypeError('selector exploded');
      },
    };
    const throwingMatch: CrmAdapter = {
      ...throwingDetect,
      matches: () => {
        throw new Error('x');
      },
    };
    expect(() => detectCustomer([throwingDetect], url, document)).not.toThrow();
    expect(detectCustomer([throwingDetect, ...builtInAdapters], url, document)).toBeUndefined();
    expect(detectCustomer([throwingMatch, ...builtInAdapters], url, document)?.id).toBe('C1');
    expect(detectCustomer([], url, document)).toBeNull();
  });
});

describe('startDetector', () => {
  it('reports the first detection at once, with the page URL', () => {
    start();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]?.[0]).toEqual({
      type: 'customer-detected',
      url: 'http://localhost:3000/demo/customers/C1',
      ref: { crm: 'demo', type: 'customer', id: 'C1', displayName: 'Ada Lovelace' },
      signals: {
        crm: 'demo',
        pageKind: 'customer',
        api: 'not-offered',
        url: 'found',
        page: 'found',
        chosen: 'url',
      },
    });
  });

  it('reports only changes: unrelated DOM churn sends nothing more', async () => {
    start();
    for (let i = 0; i < 5; i++) {
      document.querySelector('main')!.append(document.createElement('p'));
      await settle();
    }
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('follows SPA navigation through the Navigation API', async () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    start();
    history.pushState(null, '', '/demo/customers/C2');
    document.body.innerHTML = demoCustomerPage('C2', 'Grace Hopper');
    navigation.dispatchEvent(new Event('navigatesuccess'));
    await settle();
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C2']);
    expect(send.mock.calls[1]?.[0].url).toBe('http://localhost:3000/demo/customers/C2');
  });

  it('reports a record named in the new URL the moment the navigation lands', () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    start();
    history.pushState(null, '', '/demo/customers/C2');
    navigation.dispatchEvent(new Event('navigatesuccess'));
    // No timer has run: the record id came from the URL, so it is reported at once.
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C2']);
  });

  it("reports a record named in a same-document navigation's destination from the navigate event", async () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    start();
    const navigate = (url: string, sameDocument: boolean) =>
      navigation.dispatchEvent(
        Object.assign(new Event('navigate'), { destination: { url, sameDocument } }),
      );
    // Fired inside pushState, before the URL changes: the destination is what counts.
    navigate('http://localhost:3000/demo/customers/C2', true);
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C2']);
    expect(send.mock.calls[1]?.[0].url).toBe('http://localhost:3000/demo/customers/C2');
    // A page load elsewhere is left to the next page's own content script.
    navigate('http://localhost:3000/demo/customers/C9', false);
    expect(sentRefs()).toHaveLength(2);
    // The page cancelled the navigation: the delayed check reports what the page really shows.
    await settle();
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C2', 'C1']);
  });

  it('does not read the page again when navigatesuccess confirms the destination already read', () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    const [demo] = builtInAdapters.filter((adapter) => adapter.id === 'demo');
    const detect = vi.fn(demo!.detect);
    start([{ ...demo!, detect }]);
    const url = 'http://localhost:3000/demo/customers/C2';
    navigation.dispatchEvent(
      Object.assign(new Event('navigate'), { destination: { url, sameDocument: true } }),
    );
    history.pushState(null, '', url);
    navigation.dispatchEvent(new Event('navigatesuccess'));
    expect(detect).toHaveBeenCalledTimes(2); // the first check, then the destination
    // A later navigation that skipped the navigate event is read as before.
    history.pushState(null, '', '/demo/customers/C3');
    navigation.dispatchEvent(new Event('navigatesuccess'));
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C2', 'C3']);
  });

  it('on a chat console, reports a switched conversation at once when its pane already shows another customer', async () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    // A console whose pane carries nothing that ties it to the conversation in the address.
    const pane = (email: string) =>
      `<main><aside><span class="email">${email}</span></aside></main>`;
    const console: CrmAdapter = {
      id: 'console',
      conversationInAddress: true,
      matches: () => true,
      pageKind: () => 'conversation',
      detect: (url) => ({
        crm: 'console',
        type: 'user',
        email: document.querySelector('.email')?.textContent ?? undefined,
        context: url.pathname.split('/').at(-1),
      }),
    };
    document.body.innerHTML = pane('ada@example.com');
    history.replaceState(null, '', '/conversations/1');
    start([console]);
    const navigate = (url: string) =>
      navigation.dispatchEvent(
        Object.assign(new Event('navigate'), { destination: { url, sameDocument: true } }),
      );
    // The pane still shows conversation 1's customer: nothing is said of conversation 2 yet.
    navigate('http://localhost:3000/conversations/2');
    history.pushState(null, '', '/conversations/2');
    expect(sentRefs()).toHaveLength(1);
    // The pane catches up: another customer, reported when the navigation lands, no timer.
    document.body.innerHTML = pane('grace@example.com');
    navigation.dispatchEvent(new Event('navigatesuccess'));
    expect(sentRefs().map((ref) => [ref?.email, ref?.context])).toEqual([
      ['ada@example.com', '1'],
      ['grace@example.com', '2'],
    ]);
    // Back to conversation 1, whose pane renders before the address changes: at once too.
    document.body.innerHTML = pane('ada@example.com');
    navigate('http://localhost:3000/conversations/1');
    expect(sentRefs().at(-1)).toEqual({
      crm: 'console',
      type: 'user',
      email: 'ada@example.com',
      context: '1',
    });
    // Two conversations of one customer: the second waits for the page to settle.
    history.pushState(null, '', '/conversations/1');
    navigate('http://localhost:3000/conversations/3');
    history.pushState(null, '', '/conversations/3');
    expect(sentRefs()).toHaveLength(3);
    await settle();
    expect(sentRefs().at(-1)?.context).toBe('3');
  });

  it('waits for the page before reporting a customer read from a DOM that may be stale', async () => {
    const navigation = new EventTarget();
    (window as { navigation?: EventTarget }).navigation = navigation;
    document.body.innerHTML =
      '<main data-demo-page="ticket" data-ticket-id="101"><section class="requester">' +
      '<span data-field="email">old@example.com</span></section></main>';
    history.replaceState(null, '', '/demo/tickets/101');
    start();
    history.pushState(null, '', '/demo/tickets/102');
    navigation.dispatchEvent(new Event('navigatesuccess'));
    // The requester still on the page belongs to the previous ticket: nothing yet.
    expect(sentRefs().map((ref) => ref?.email)).toEqual(['old@example.com']);
    document.body.innerHTML =
      '<main data-demo-page="ticket" data-ticket-id="102"><section class="requester">' +
      '<span data-field="email">new@example.com</span></section></main>';
    await settle();
    expect(sentRefs().map((ref) => ref?.email)).toEqual(['old@example.com', 'new@example.com']);
  });

  it('follows popstate (back/forward)', async () => {
    start();
    history.pushState(null, '', '/demo/customers/C3');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C3']);
  });

  it('notices pushState it cannot see through the title and main region mutating', async () => {
    start();
    history.pushState(null, '', '/demo/tickets/77');
    document.title = 'Ticket 77';
    await settle();
    // The ticket DOM has not arrived: no resolvable customer yet.
    expect(sentRefs()).toEqual([expect.objectContaining({ id: 'C1' }), null]);
    document.querySelector('main')!.innerHTML =
      '<section class="requester"><span data-field="email">lin@example.com</span></section>';
    await settle();
    expect(sentRefs().at(-1)).toEqual({
      crm: 'demo',
      type: 'ticket',
      email: 'lin@example.com',
      context: '77',
    });
  });

  it('coalesces a burst of mutations into one check', async () => {
    const detect = vi.fn(() => null);
    const counting: CrmAdapter = {
      id: 'c',
      matches: () => true,
      pageKind: () => null,
      detect,
    };
    start([counting]);
    expect(detect).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++)
      document.querySelector('main')!.append(document.createElement('span'));
    await settle();
    expect(detect).toHaveBeenCalledTimes(2);
  });

  it('reports nothing while an adapter throws and carries on afterwards', async () => {
    let broken = true;
    const flaky: CrmAdapter = {
      ...builtInAdapters.find((a) => a.id === 'demo')!,
      detect(url, doc) {
        if (broken) throw new Error('page changed its markup');
        return builtInAdapters.find((a) => a.id === 'demo')!.detect(url, doc);
      },
    };
    start([flaky]);
    expect(send).not.toHaveBeenCalled();
    broken = false;
    detector!.schedule();
    await settle();
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1']);
  });

  it('stops observing when the extension context is invalidated', async () => {
    send = vi.fn(() => Promise.reject(new Error('Extension context invalidated.')));
    const onInvalidated = vi.fn();
    const detect = vi.fn(() => null);
    start([{ id: 'c', matches: () => true, pageKind: () => null, detect }], onInvalidated);
    await settle();
    expect(onInvalidated).toHaveBeenCalledTimes(1);
    document.title = 'changed';
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(detect).toHaveBeenCalledTimes(1);
  });

  it('retries a report the worker did not receive, on the next check', async () => {
    send = vi
      .fn()
      .mockImplementationOnce(() => {
        throw new Error('Could not establish connection. Receiving end does not exist.');
      })
      .mockImplementation(() => Promise.resolve());
    start();
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C1']);
  });

  it('sends an undelivered report again by itself, backing off while the worker stays away', async () => {
    let refuse = 3;
    send = vi.fn(() =>
      refuse-- > 0 ? Promise.reject(new Error('The worker closed the port')) : Promise.resolve(),
    );
    start();
    // Nothing on the page changes: only the retry timer can send it again.
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_FIRST_MS);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_FIRST_MS);
    expect(send).toHaveBeenCalledTimes(2); // the second wait is twice as long
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_FIRST_MS);
    expect(send).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(REPORT_RETRY_FIRST_MS * 4);
    expect(sentRefs().map((ref) => ref?.id)).toEqual(['C1', 'C1', 'C1', 'C1']);
    // Delivered: no more retries.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(send).toHaveBeenCalledTimes(4);
  });
});

describe('the CRM API first, the page second', () => {
  const pageRef = { crm: 't', type: 'ticket', email: 'page@example.org', context: '7' };
  const apiRef = { crm: 't', type: 'user', id: '42', context: '7' };

  function ticketAdapter(detect: () => CustomerRef | null = () => pageRef): CrmAdapter {
    return {
      id: 't',
      matches: () => true,
      pageKind: () => 'ticket',
      apiLookup: () => ({
        key: 'ticket:7',
        path: '/api/tickets/7',
        parse: (body) =>
          (body as { requester?: string } | null)?.requester === '42' ? apiRef : null,
      }),
      detect,
    };
  }

  function lookupsAnswering(answer: () => Promise<Response>) {
    const fetch = vi.fn((_url: URL | RequestInfo, _init?: RequestInit) => answer());
    const lookups = createApiLookups({
      origin: window.location.origin,
      fetch,
      runInPage: () => Promise.resolve(null),
      onSettled: () => detector?.schedule(),
    });
    return { fetch, lookups };
  }

  const json = (body: unknown, status = 200) =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));

  it("reports the page's customer at once, then the API's when it answers, asking once", async () => {
    const { fetch, lookups } = lookupsAnswering(() => json({ requester: '42' }));
    detector = startDetector({ adapters: () => [ticketAdapter()], send, lookups });
    await settle();
    document.querySelector('main')!.append(document.createElement('p'));
    await settle();
    expect(sentRefs()).toEqual([pageRef, apiRef]);
    expect(send.mock.calls.at(-1)?.[0].signals).toMatchObject({ api: 'found', chosen: 'api' });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(String(fetch.mock.calls[0]?.[0])).toBe(`${window.location.origin}/api/tickets/7`);
  });

  it('falls back quietly to the page when the API refuses', async () => {
    const { lookups } = lookupsAnswering(() => json({ error: 'Forbidden' }, 403));
    detector = startDetector({ adapters: () => [ticketAdapter()], send, lookups });
    await settle();
    await settle();
    expect(sentRefs().every((ref) => ref?.email === 'page@example.org')).toBe(true);
    expect(send.mock.calls.at(-1)?.[0].signals).toMatchObject({ api: 'failed', chosen: 'page' });
  });

  it('finds the customer through the API when the page markup is absent', async () => {
    const { lookups } = lookupsAnswering(() => json({ requester: '42' }));
    detector = startDetector({ adapters: () => [ticketAdapter(() => null)], send, lookups });
    await settle();
    await settle();
    expect(sentRefs()).toEqual([null, apiRef]);
  });

  it('never sends a lookup off the page origin', async () => {
    const fetch = vi.fn(() => json({}));
    const lookups = createApiLookups({
      origin: window.location.origin,
      fetch,
      runInPage: () => Promise.resolve(null),
      onSettled: () => {},
    });
    const state = lookups.state({ key: 'x', path: '//evil.example/api', parse: () => null });
    expect(state.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(lookups.state({ key: 'x', path: '//evil.example/api', parse: () => null })).toEqual({
      status: 'failed',
    });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('detection health observations', () => {
  let observe: Mock<(observation: DetectionObservation) => void>;
  beforeEach(() => {
    observe = vi.fn();
  });

  it('counts a visit once, by the signal that found its customer', async () => {
    detector = startDetector({ adapters: () => builtInAdapters, send, observe });
    await settle();
    document.querySelector('main')!.append(document.createElement('p'));
    await settle();
    expect(observe.mock.calls).toEqual([[{ crm: 'demo', pageKind: 'customer', result: 'url' }]]);
  });

  it('counts a claimed page that never shows a customer as missed, once', async () => {
    history.replaceState(null, '', '/demo/tickets/12');
    document.body.innerHTML = '<main><p>Loading…</p></main>';
    detector = startDetector({ adapters: () => builtInAdapters, send, observe });
    await settle();
    expect(observe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MISS_AFTER_MS);
    expect(observe.mock.calls).toEqual([[{ crm: 'demo', pageKind: 'ticket', result: 'missed' }]]);
    await vi.advanceTimersByTimeAsync(MISS_AFTER_MS * 3);
    expect(observe).toHaveBeenCalledTimes(1);
  });

  it('counts a page left before its customer showed as missed, and the next page by itself', async () => {
    history.replaceState(null, '', '/demo/tickets/12');
    document.body.innerHTML = '<main><p>Loading…</p></main>';
    detector = startDetector({ adapters: () => builtInAdapters, send, observe });
    await settle();
    history.replaceState(null, '', '/demo/customers/C1');
    document.body.innerHTML = demoCustomerPage('C1', 'Ada Lovelace');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(observe.mock.calls).toEqual([
      [{ crm: 'demo', pageKind: 'ticket', result: 'missed' }],
      [{ crm: 'demo', pageKind: 'customer', result: 'url' }],
    ]);
  });

  it('counts a claimed page closed before its customer showed as missed', async () => {
    history.replaceState(null, '', '/demo/tickets/12');
    document.body.innerHTML = '<main><p>Loading…</p></main>';
    detector = startDetector({ adapters: () => builtInAdapters, send, observe });
    await settle();
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(observe.mock.calls).toEqual([[{ crm: 'demo', pageKind: 'ticket', result: 'missed' }]]);
    await vi.advanceTimersByTimeAsync(MISS_AFTER_MS * 2);
    expect(observe).toHaveBeenCalledTimes(1);
  });

  it('counts nothing on pages no adapter claims as a customer page', async () => {
    history.replaceState(null, '', '/demo/reports');
    detector = startDetector({ adapters: () => builtInAdapters, send, observe });
    await vi.advanceTimersByTimeAsync(MISS_AFTER_MS * 2);
    expect(observe).not.toHaveBeenCalled();
  });
});
