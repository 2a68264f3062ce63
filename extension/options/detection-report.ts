import type { DetectionSignals, TabCustomer } from '../messaging/protocol.ts';

const apiWords: Record<DetectionSignals['api'], string> = {
  found: 'found the customer',
  none: 'answered, naming no customer',
  failed: 'refused or failed (the page was read instead)',
  pending: 'still answering',
  'not-offered': 'not used on this page',
};

const signalNames = { api: 'the CRM’s API', url: 'the address', page: 'the page' } as const;

/** What "try on this tab" tells the admin: which signal found what, in plain words. */
export function describeDetection(customer: TabCustomer | null, crmLabel: string): string[] {
  if (!customer) return [`LoopDesk has not seen a ${crmLabel} page in that tab yet: reload it.`];
  const signals = customer.signals;
  if (!signals?.pageKind) {
    return [`${customer.url}: not a page a customer is shown on (a list, home or settings).`];
  }
  const ref = customer.ref;
  const who = ref
    ? Object.entries(ref)
        .map(([key, value]) => `${key}: ${String(value)}`)
        .join('; ')
    : 'nobody';
  return [
    `${signals.crm} ${signals.pageKind} page at ${customer.url}`,
    `CRM API: ${apiWords[signals.api]}.`,
    `Address: ${signals.url === 'found' ? 'names the record' : 'names no customer record'}.`,
    `Page: ${signals.page === 'found' ? 'shows the customer' : 'shows no customer the adapter can read'}.`,
    signals.chosen
      ? `Reported ${who}, from ${signalNames[signals.chosen]}.`
      : 'Reported no customer: this page would count as missed in detection health.',
  ];
}
