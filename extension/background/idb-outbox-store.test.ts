import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IdbOutboxStore } from './idb-outbox-store.ts';
import type { OutboxEntry } from './outbox.ts';

const entry: OutboxEntry = {
  idempotencyKey: '6f1c0c4e-0000-4000-8000-000000000001',
  outcome: { decisionId: 'd', result: 'offered', occurredAt: '2026-11-25T10:00:00.000Z' },
  status: 'pending',
  attempts: 0,
  nextAttemptAt: 10,
  lastError: null,
  createdAt: 10,
  sentAt: null,
};

describe('IdbOutboxStore', () => {
  it('keeps entries across store instances (as across worker restarts) and updates by key', async () => {
    const factory = new IDBFactory();
    await new IdbOutboxStore(factory).put(entry);
    await new IdbOutboxStore(factory).put({ ...entry, status: 'sent', attempts: 1, sentAt: 20 });
    expect(await new IdbOutboxStore(factory).all()).toEqual([
      { ...entry, status: 'sent', attempts: 1, sentAt: 20 },
    ]);
    await new IdbOutboxStore(factory).delete(entry.idempotencyKey);
    expect(await new IdbOutboxStore(factory).all()).toEqual([]);
  });

  it('updates an entry in one step: writes the change, deletes on null, leaves it on a throw', async () => {
    const factory = new IDBFactory();
    const store = new IdbOutboxStore(factory);
    expect(await store.update(entry.idempotencyKey, () => entry)).toBeNull();
    expect(await store.all()).toEqual([]);

    await store.put(entry);
    const retraction = {
      requestedAt: 30,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: 30,
      lastError: null,
      sentAt: null,
    };
    const written = await store.update(entry.idempotencyKey, (current) => ({
      ...current,
      retraction,
    }));
    expect(written).toEqual({ ...entry, retraction });
    expect(await new IdbOutboxStore(factory).all()).toEqual([{ ...entry, retraction }]);

    await expect(
      store.update(entry.idempotencyKey, () => {
        throw new Error('no change today');
      }),
    ).rejects.toThrow('no change today');
    expect(await store.all()).toEqual([{ ...entry, retraction }]);

    expect(await store.update(entry.idempotencyKey, () => null)).toBeNull();
    expect(await store.all()).toEqual([]);
  });
});
