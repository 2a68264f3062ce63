// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendSettings } from './BackendSettings.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** What the options page asked of Chrome and the worker. */
function fakeChrome() {
  const sent: { type: string }[] = [];
  const requested: string[][] = [];
  const written: unknown[] = [];
  const status = { configured: false, backendUrl: null, hasToken: false, backendRefused: null };
  vi.stubGlobal('chrome', {
    runtime: {
      sendMessage: vi.fn(async (message: { type: string }) => {
        sent.push(message);
        return { ok: true, value: status };
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
        get: async () => ({}),
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

async function render(): Promise<HTMLElement> {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root?.render(<BackendSettings />));
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
  return page.querySelector('[role="status"]')?.textContent ?? '';
}

describe('backend settings', () => {
  it('saves a backend on this computer through the worker, with no permission prompt', async () => {
    const chrome = fakeChrome();
    const message = await save(await render(), 'http://localhost:8787/');
    expect(message).toBe('Saved.');
    expect(chrome.requested).toEqual([]);
    expect(chrome.written).toEqual([]);
    expect(chrome.sent.filter((m) => m.type !== 'get-status')).toEqual([
      { type: 'set-backend-url', backendUrl: 'http://localhost:8787' },
      { type: 'set-token', token: 'tok-secret-1' },
    ]);
  });

  it('asks for an https backend’s origin before the worker stores it', async () => {
    const chrome = fakeChrome();
    const message = await save(await render(), 'https://loopdesk.example.com');
    expect(message).toBe('Saved.');
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
});
