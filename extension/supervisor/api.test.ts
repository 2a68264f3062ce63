import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExtensionStatus } from '../messaging/protocol.ts';
import { extensionAccess } from './api.ts';
import { configStorageKey, tokenSessionKey } from '../shared/storage-keys.ts';

function fakeChrome(status: ExtensionStatus) {
  const area = (data: Record<string, unknown>) => ({
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
  });
  vi.stubGlobal('chrome', {
    runtime: { sendMessage: async () => ({ ok: true, value: status }) },
    storage: {
      // What a compromised CRM page's content script could have written.
      local: area({
        [configStorageKey]: {
          backendUrl: 'https://attacker.example',
          enabledCrms: [],
          selfHostedOrigins: {},
        },
      }),
      session: area({ [tokenSessionKey]: 'tok-supervisor-1' }),
    },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('the supervisor workspace’s backend', () => {
  it('is the one the worker keeps, never one written to storage.local', async () => {
    fakeChrome({
      configured: true,
      backendUrl: 'http://127.0.0.1:4000',
      hasToken: true,
      backendRefused: null,
    });
    expect(await extensionAccess()).toEqual({
      baseUrl: 'http://127.0.0.1:4000',
      token: 'tok-supervisor-1',
    });
  });

  it('is not used while the worker refuses it', async () => {
    fakeChrome({
      configured: true,
      backendUrl: 'https://loopdesk.example.com',
      hasToken: true,
      backendRefused:
        'LoopDesk may not reach https://loopdesk.example.com: access to it is not granted.',
    });
    await expect(extensionAccess()).rejects.toThrow(/not granted/);
  });
});
