import { describe, expect, it } from 'vitest';
import { TabCustomers, type SessionArea } from './tab-customers.ts';
import { tabCustomerSessionKey } from '../shared/storage-keys.ts';

/** storage.session double: counts reads and lets a test hold writes back or make them fail. */
class MemoryArea implements SessionArea {
  readonly items = new Map<string, unknown>();
  reads = 0;
  failWrites = false;
  #heldWrites: (() => void)[] = [];
  holdWrites = false;

  async get(key: string) {
    this.reads++;
    return this.items.has(key) ? { [key]: this.items.get(key) } : {};
  }
  set(items: Record<string, unknown>): Promise<void> {
    const write = () => {
      for (const [key, value] of Object.entries(items)) this.items.set(key, value);
    };
    if (this.failWrites) return Promise.reject(new Error('quota exceeded'));
    if (!this.holdWrites) {
      write();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#heldWrites.push(() => (write(), resolve())));
  }
  async remove(key: string) {
    this.items.delete(key);
  }
  releaseWrites() {
    for (const release of this.#heldWrites.splice(0)) release();
  }
}

const ref = { crm: 'demo', type: 'customer', id: 'C-1' };
const other = { crm: 'demo', type: 'customer', id: 'C-2' };

describe('TabCustomers', () => {
  it('hands the new customer back before storage has finished writing it', async () => {
    const area = new MemoryArea();
    area.holdWrites = true;
    const change = await new TabCustomers(area).set(7, ref, 'https://crm/1');
    expect(change?.customer).toMatchObject({ tabId: 7, ref, url: 'https://crm/1' });
    expect(area.items.size).toBe(0);
    area.releaseWrites();
    await change?.stored;
    expect(area.items.get(tabCustomerSessionKey(7))).toEqual(change?.customer);
  });

  it('reports only changes, reading storage once per tab while the worker lives', async () => {
    const area = new MemoryArea();
    const tabs = new TabCustomers(area);
    expect(await tabs.set(7, ref, 'https://crm/1')).toBeDefined();
    expect(await tabs.set(7, ref, 'https://crm/1')).toBeUndefined();
    expect(await tabs.set(7, other, 'https://crm/2')).toBeDefined();
    expect((await tabs.get(7))?.ref).toEqual(other);
    expect(area.reads).toBe(1);
  });

  it('after a worker restart, compares against what the previous worker stored', async () => {
    const area = new MemoryArea();
    await (
      await new TabCustomers(area).set(7, ref, 'https://crm/1')
    )?.stored;
    const restarted = new TabCustomers(area);
    expect(await restarted.set(7, ref, 'https://crm/1')).toBeUndefined();
    expect((await restarted.get(7))?.ref).toEqual(ref);
  });

  it('orders two detections that arrive while storage is still being read', async () => {
    const area = new MemoryArea();
    const tabs = new TabCustomers(area);
    const [first, second] = await Promise.all([
      tabs.set(7, ref, 'https://crm/1'),
      tabs.set(7, ref, 'https://crm/1'),
    ]);
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
  });

  it('after a failed write, reads storage again instead of trusting its copy', async () => {
    const area = new MemoryArea();
    const tabs = new TabCustomers(area);
    area.failWrites = true;
    const change = await tabs.set(7, ref, 'https://crm/1');
    await expect(change?.stored).rejects.toThrow('quota exceeded');
    expect(await tabs.get(7)).toBeNull();
    area.failWrites = false;
    expect(await tabs.set(7, ref, 'https://crm/1')).toBeDefined();
  });

  it('forgets a tab in memory and in storage, saying whether it had a customer', async () => {
    const area = new MemoryArea();
    const tabs = new TabCustomers(area);
    await (
      await tabs.set(7, ref, 'https://crm/1')
    )?.stored;
    expect(await tabs.forget(7)).toBe(true);
    expect(area.items.has(tabCustomerSessionKey(7))).toBe(false);
    expect(await tabs.get(7)).toBeNull();
    expect(await tabs.forget(7)).toBe(false);
    expect(await new TabCustomers(area).get(7)).toBeNull();
  });
});

describe('TabCustomers.leave (a tab started loading)', () => {
  it('keeps the customer while the tab stays on its origin (SPA navigation or reload)', async () => {
    const tabs = new TabCustomers(new MemoryArea());
    await tabs.set(7, ref, 'https://acme.my.salesforce.com/lightning/r/Contact/1/view');
    expect(await tabs.leave(7, 'https://acme.my.salesforce.com/lightning/r/Case/2/view')).toBe(
      false,
    );
    expect((await tabs.get(7))?.ref).toEqual(ref);
  });

  it('forgets the customer when the tab goes to another origin or one it may not see', async () => {
    const tabs = new TabCustomers(new MemoryArea());
    await tabs.set(7, ref, 'https://acme.my.salesforce.com/lightning/r/Contact/1/view');
    expect(await tabs.leave(7, 'https://news.example.com/')).toBe(true);
    expect(await tabs.get(7)).toBeNull();
    await tabs.set(8, ref, 'https://acme.zendesk.com/agent/tickets/1');
    expect(await tabs.leave(8, undefined)).toBe(true);
    expect(await tabs.get(8)).toBeNull();
  });

  it('says nothing was forgotten for a tab that had no customer', async () => {
    expect(await new TabCustomers(new MemoryArea()).leave(9, 'https://example.com/')).toBe(false);
  });
});
