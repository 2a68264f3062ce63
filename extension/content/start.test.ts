// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_DELAY_MS } from './detector.ts';

type Listener = (changes: Record<string, { newValue?: unknown }>, area: string) => void;

const noEvent = { addListener: () => {} };

function fakeChrome(stored: Record<string, unknown> = {}) {
  const listeners = new Set<Listener>();
  // What the content script posted on its port to the worker (messaging/port.ts).
  const posted: { id: number; message: { type: string; ref?: unknown } }[] = [];
  return {
    posted,
    runtime: {
      id: 'kcnllmemnaglhjkdheagojnldmcafcmh' as string | undefined,
      connect: vi.fn(() => ({
        onMessage: noEvent,
        onDisconnect: noEvent,
        postMessage: (request: (typeof posted)[number]) => posted.push(request),
      })),
    },
    storage: {
      local: { get: vi.fn(async (key: string) => (key in stored ? { [key]: stored[key] } : {})) },
      onChanged: {
        addListener: (listener: Listener) => listeners.add(listener),
        removeListener: (listener: Listener) => listeners.delete(listener),
      },
    },
    emitStorageChange: (changes: Record<string, { newValue?: unknown }>) =>
      listeners.forEach((listener) => listener(changes, 'local')),
  };
}

const acmeRule = {
  id: 'acme-crm',
  label: 'Acme',
  origin: 'http://localhost:3000',
  urlPattern: '^/clients/(?<recordId>\\d+)$',
};

/** Loads a content script file as Chrome does: a fresh module run in the page. */
async function injectContentScript(file = 'demo') {
  vi.resetModules();
  if (file === 'demo') await import('./entries/loopdesk-demo.entry.ts');
  else if (file === 'rules') await import('./entries/rules.entry.ts');
  else if (file === 'zendesk') await import('./entries/zendesk.entry.ts');
  await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 1);
}

let chromeMock: ReturnType<typeof fakeChrome>;

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<main></main>';
  delete (window as { __loopdeskContentScript?: { stop(): void } }).__loopdeskContentScript;
});

afterEach(() => {
  (window as { __loopdeskContentScript?: { stop(): void } }).__loopdeskContentScript?.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function useChrome(stored?: Record<string, unknown>) {
  chromeMock = fakeChrome(stored);
  vi.stubGlobal('chrome', chromeMock);
}

const sentRefs = () =>
  chromeMock.posted
    .filter(({ message }) => message.type === 'customer-detected')
    .map(({ message }) => message.ref);

describe('content script entry', () => {
  it('runs once when injected twice into the same page', async () => {
    useChrome();
    history.replaceState(null, '', '/demo/customers/C9');
    await injectContentScript();
    await injectContentScript();
    expect(sentRefs()).toEqual([{ crm: 'demo', type: 'customer', id: 'C9' }]);
  });

  it('hands over from an orphaned instance after the extension is reloaded', async () => {
    useChrome();
    history.replaceState(null, '', '/demo/customers/C9');
    await injectContentScript();
    const orphaned = chromeMock;
    orphaned.runtime.id = undefined;
    useChrome();
    await injectContentScript();
    expect(sentRefs()).toHaveLength(1);
    const sentByOrphan = orphaned.posted.length;
    history.replaceState(null, '', '/demo/customers/C10');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 1);
    expect(orphaned.posted).toHaveLength(sentByOrphan);
    expect(sentRefs().map((ref) => (ref as { id: string }).id)).toEqual(['C9', 'C10']);
  });

  it('uses the admin’s rules from storage, and picks up rule changes', async () => {
    history.replaceState(null, '', '/clients/4711');
    useChrome({ ruleAdapters: [acmeRule, { id: 'broken', urlPattern: '(' }] });
    await injectContentScript('rules');
    expect(sentRefs()).toEqual([{ crm: 'acme-crm', type: 'record', id: '4711' }]);

    chromeMock.emitStorageChange({ ruleAdapters: { newValue: [] } });
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 1);
    expect(sentRefs().at(-1)).toBeNull();
  });

  it('joins a second CRM file into the live instance: both adapters read, one report per change', async () => {
    useChrome({ ruleAdapters: [acmeRule] });
    history.replaceState(null, '', '/clients/4711');
    await injectContentScript('demo');
    expect(sentRefs()).toEqual([null]);
    await injectContentScript('rules');
    expect(sentRefs()).toEqual([null, { crm: 'acme-crm', type: 'record', id: '4711' }]);
    history.replaceState(null, '', '/demo/customers/C9');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 1);
    expect(sentRefs().at(-1)).toEqual({ crm: 'demo', type: 'customer', id: 'C9' });
  });

  it('leaves the admin’s rules alone in a CRM file: only the rules file reads them', async () => {
    history.replaceState(null, '', '/clients/4711');
    useChrome({ ruleAdapters: [acmeRule] });
    await injectContentScript('zendesk');
    expect(sentRefs()).toEqual([null]);
    expect(chromeMock.storage.local.get).not.toHaveBeenCalled();
  });

  it('reports no customer on a page no adapter knows', async () => {
    useChrome();
    history.replaceState(null, '', '/somewhere/else');
    await injectContentScript();
    expect(sentRefs()).toEqual([null]);
  });
});
