import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { TabCustomer } from '../messaging/protocol.ts';

/** Active customer per tab, in storage.session: it outlives worker stops, not the browser. */
const prefix = 'loopdesk.tab.';

export async function getTabCustomer(tabId: number): Promise<TabCustomer | null> {
  const key = `${prefix}${tabId}`;
  const stored = (await chrome.storage.session.get(key))[key] as TabCustomer | undefined;
  return stored ?? null;
}

/** Stores what the tab shows; returns the new value, or undefined when nothing changed. */
export async function setTabCustomer(
  tabId: number,
  ref: CustomerRef | null,
  url: string,
  now: Date = new Date(),
): Promise<TabCustomer | undefined> {
  const previous = await getTabCustomer(tabId);
  if (previous && JSON.stringify(previous.ref) === JSON.stringify(ref) && previous.url === url) {
    return undefined;
  }
  const customer: TabCustomer = { tabId, ref, url, detectedAt: now.toISOString() };
  await chrome.storage.session.set({ [`${prefix}${tabId}`]: customer });
  return customer;
}

export async function forgetTab(tabId: number): Promise<boolean> {
  const existed = (await getTabCustomer(tabId)) !== null;
  if (existed) await chrome.storage.session.remove(`${prefix}${tabId}`);
  return existed;
}
