import { describe, expect, it } from 'vitest';
import { readConfig } from './settings.ts';
import { configStorageKey } from './storage-keys.ts';

const storageWith = (value: unknown) => ({
  get: async () => ({ [configStorageKey]: value }),
});

describe('readConfig', () => {
  it('reads CRMs enabled under an earlier version’s ids as today’s ids', async () => {
    const config = await readConfig(
      storageWith({
        backendUrl: 'http://127.0.0.1:8787',
        enabledCrms: ['zoho', 'loopdesk-demo', 'zendesk', 'demo'],
        selfHostedOrigins: { 'loopdesk-demo': 'http://127.0.0.1:8787' },
      }) as never,
    );
    expect(config.enabledCrms).toEqual(['zoho-desk', 'demo', 'zendesk']);
    expect(config.selfHostedOrigins).toEqual({ demo: 'http://127.0.0.1:8787' });
  });

  it('falls back to defaults for a damaged value', async () => {
    const config = await readConfig(storageWith({ enabledCrms: 'all' }) as never);
    expect(config.enabledCrms).toEqual([]);
  });

  it('ignores a backend URL in storage.local (where content scripts can write it)', async () => {
    const config = await readConfig(
      storageWith({
        backendUrl: 'https://attacker.example',
        enabledCrms: ['zendesk'],
        selfHostedOrigins: {},
      }) as never,
    );
    expect(config.backendUrl ?? null).toBeNull();
    // The rest of an earlier version's config still reads.
    expect(config.enabledCrms).toEqual(['zendesk']);
  });
});
