// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendCheck } from '../messaging/protocol.ts';
import { BackendSettings } from './BackendSettings.tsx';
import { Options } from './Options.tsx';
import { configStorageKey } from '../shared/storage-keys.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const connected: BackendCheck = {
  kind: 'connected',
  backendUrl: 'http://localhost:8787',
  agentName: 'Demo CSR',
  role: 'csr',
};

/** What the options page asked of Chrome and the worker; the worker answers as given. */
function fakeChrome(
  options: {
    check?: BackendCheck;
    backendUrl?: string | null;
    stored?: Record<string, unknown>;
  } = {},
) {
  const sent: { type: string }[] = [];
  const requested: string[][] = [];
  const written: unknown[] = [];
  const status = {
    configured: false,
    backendUrl: options.backendUrl ?? null,
    hasToken: false,
    backendRefused: null,
  };
  vi.stubGlobal('chrome', {
    runtime: {
      sendMessage: vi.fn(async (message: { type: string; backendUrl?: string }) => {
        sent.push(message);
        if (message.type === 'check-backend')
          return { ok: true, value: options.check ?? connected };
        if (message.type === 'set-backend-url') status.backendUrl = message.backendUrl ?? null;
        return { ok: true, value: { ...status } };
      }),
    },
    permissions: {
      request: vi.fn(async ({ origins }: { origins: string[] }) => {
        requested.push(origins);
        return true;
      }),
    },
    storage: {
      local: {
        get: async (key: string) => (options.stored ? { [key]: options.stored } : {}),
        set: async (items: unknown) => void written.push(items),
      },
    },
  });
  return { sent, requested, written };
}

let root: Root | undefined;
let container: HTMLElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  vi.unstubAllGlobals();
});

async function render(page = <BackendSettings />): Promise<HTMLElement> {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root?.render(page));
  return container;
}

async function typeInto(input: HTMLInputElement, value: string): Promise<void> {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  await act(async () => {
    setValue?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function save(page: HTMLElement, backendUrl: string): Promise<string> {
  await typeInto(page.querySelector<HTMLInputElement>('input[name="backendUrl"]')!, backendUrl);
  await typeInto(page.querySelector<HTMLInputElement>('input[name="token"]')!, 'tok-secret-1');
  await act(async () => {
    page.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  });
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
  return page.querySelector('#backend-heading ~ [role="status"]')?.textContent ?? '';
}

describe('backend settings', () => {
  it('saves a backend on this computer through the worker, with no permission prompt, and says whose token it is', async () => {
    const chrome = fakeChrome();
    const message = await save(await render(), 'http://localhost:8787/');
    expect(message).toBe('Connected as Demo CSR (csr).');
    expect(chrome.requested).toEqual([]);
    expect(chrome.written).toEqual([]);
    // The check goes through the worker after both are stored; the page never sees the token again.
    expect(chrome.sent.filter((m) => m.type !== 'get-status')).toEqual([
      { type: 'set-backend-url', backendUrl: 'http://localhost:8787' },
      { type: 'set-token', token: 'tok-secret-1' },
      { type: 'check-backend' },
    ]);
  });

  it('asks for an https backend’s origin before the worker stores it', async () => {
    const chrome = fakeChrome({
      check: {
        ...connected,
        backendUrl: 'https://loopdesk.example.com',
        role: 'supervisor',
        agentName: 'Sam',
      },
    });
    const message = await save(await render(), 'https://loopdesk.example.com');
    expect(message).toBe('Connected as Sam (supervisor).');
    expect(chrome.requested).toEqual([['https://loopdesk.example.com/*']]);
    expect(chrome.sent.map((m) => m.type)).toContain('set-backend-url');
  });

  it('refuses a plain http:// backend that is not on this computer, and saves nothing', async () => {
    const chrome = fakeChrome();
    const message = await save(await render(), 'http://crm.example.net:8787');
    expect(message).toMatch(/https:\/\//);
    expect(message).not.toMatch(/Saved/);
    expect(chrome.requested).toEqual([]);
    expect(chrome.written).toEqual([]);
    expect(chrome.sent.filter((m) => m.type !== 'get-status')).toEqual([]);
  });

  it('says exactly what is wrong when the backend does not answer or refuses the token', async () => {
    fakeChrome({
      check: {
        kind: 'unreachable',
        backendUrl: 'http://localhost:8787',
        message: 'Failed to fetch',
      },
    });
    expect(await save(await render(), 'http://localhost:8787')).toBe(
      'Saved, but the backend at http://localhost:8787 did not answer (Failed to fetch). ' +
        'Is it running (`npm start`), and is the address right?',
    );
    act(() => root?.unmount());
    container?.remove();

    fakeChrome({
      check: {
        kind: 'token-refused',
        backendUrl: 'http://localhost:8787',
        detail: 'The token is unknown or revoked.',
      },
    });
    const refused = await save(await render(), 'http://localhost:8787');
    expect(refused).toMatch(
      /^Saved, but http:\/\/localhost:8787 refused the token: The token is unknown or revoked\. /,
    );
    expect(refused).toContain(
      'npx loopdesk token create --role csr --name <your name> --team <team>',
    );
    expect(container!.querySelector('#backend-heading ~ [role="status"]')!.className).toBe(
      'problem',
    );
  });

  it('shows the worker’s refusal of the URL instead of checking it', async () => {
    const chrome = fakeChrome();
    chrome.sent.length = 0;
    vi.mocked(globalThis.chrome.runtime.sendMessage).mockImplementation((async (message: {
      type: string;
    }) => {
      chrome.sent.push(message);
      if (message.type === 'set-backend-url') {
        return {
          ok: false,
          error: 'LoopDesk may not reach http://localhost:8787: access to it is not granted.',
        };
      }
      return {
        ok: true,
        value: { configured: false, backendUrl: null, hasToken: false, backendRefused: null },
      };
    }) as never);
    const message = await save(await render(), 'http://localhost:8787');
    expect(message).toBe(
      'Not saved: LoopDesk may not reach http://localhost:8787: access to it is not granted.',
    );
    expect(chrome.sent.map((m) => m.type)).not.toContain('check-backend');
  });
});

describe('the demo CRM on the options page', () => {
  const demoField = (page: HTMLElement) =>
    page.querySelector<HTMLInputElement>('input[name="origin-demo"]')!;

  it('fills in the demo CRM’s address from the saved backend URL, and enables it there', async () => {
    const chrome = fakeChrome({ backendUrl: 'http://localhost:8787' });
    const page = await render(<Options />);
    expect(demoField(page).value).toBe('http://localhost:8787');
    await act(async () => {
      [...page.querySelectorAll('button')]
        .find((b) => b.textContent === 'Enable LoopDesk demo CRM')!
        .click();
    });
    expect(chrome.requested).toEqual([['http://localhost/*']]);
    expect(chrome.written).toEqual([
      {
        [configStorageKey]: {
          enabledCrms: ['demo'],
          selfHostedOrigins: { demo: 'http://localhost:8787' },
        },
      },
    ]);
  });

  it('follows a backend URL saved on the page, and keeps an address stored or typed', async () => {
    fakeChrome();
    const page = await render(<Options />);
    expect(demoField(page).value).toBe('');
    await save(page, 'http://127.0.0.1:9000/');
    expect(demoField(page).value).toBe('http://127.0.0.1:9000');
    await typeInto(demoField(page), 'http://localhost:8788');
    await save(page, 'http://localhost:8787');
    expect(demoField(page).value).toBe('http://localhost:8788');
    act(() => root?.unmount());
    container?.remove();

    fakeChrome({
      backendUrl: 'http://localhost:8787',
      stored: { enabledCrms: [], selfHostedOrigins: { demo: 'http://127.0.0.1:7000' } },
    });
    expect(demoField(await render(<Options />)).value).toBe('http://127.0.0.1:7000');
  });
});
