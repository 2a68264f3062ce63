import { describe, expect, it } from 'vitest';
import * as keys from './storage-keys.ts';

// These names are in users' browsers already: a renamed key would lose their settings, token,
// backend URL and waiting outcomes. Changing one needs a migration, not an edit here.
describe('storage keys', () => {
  it('keep the names earlier versions stored data under', () => {
    expect(keys.configStorageKey).toBe('loopdesk.config');
    expect(keys.ruleAdaptersStorageKey).toBe('ruleAdapters');
    expect(keys.tokenSessionKey).toBe('loopdesk.token');
    expect(keys.backendUrlSessionKey).toBe('loopdesk.backendUrl');
    expect(keys.tabCustomerSessionKey(7)).toBe('loopdesk.tab.7');
    expect(keys.callsSessionKey).toBe('loopdesk.calls');
    expect(keys.eventStreamSessionKey).toBe('loopdesk.eventStream');
    expect(keys.callReportsSessionKey).toBe('loopdesk.callReports');
    expect(keys.databaseName).toBe('loopdesk');
    expect(keys.idbStores).toEqual({
      secrets: 'secrets',
      outbox: 'outbox',
      detectionCounts: 'detectionCounts',
      detectionState: 'detectionState',
    });
    expect(keys.idbSecretKeys).toEqual({ token: 'token', backendUrl: 'backendUrl' });
    expect(keys.detectionStateKeys).toEqual({ batch: 'batch', meta: 'meta' });
  });
});
