import { describe, expect, it } from 'vitest';
import { describeDetection } from './detection-report.ts';
import type { TabCustomer } from '../messaging/protocol.ts';

const ticket = (signals: TabCustomer['signals'], ref: TabCustomer['ref']): TabCustomer => ({
  tabId: 3,
  url: 'https://acme.zendesk.com/agent/tickets/4821',
  detectedAt: '2026-12-03T06:00:00.000Z',
  ref,
  signals,
});

describe('try on this tab', () => {
  it('names the signal that found the customer and how the others fared', () => {
    const lines = describeDetection(
      ticket(
        {
          crm: 'zendesk',
          pageKind: 'ticket',
          api: 'found',
          url: 'none',
          page: 'none',
          chosen: 'api',
        },
        { crm: 'zendesk', type: 'user', id: '42', context: '4821' },
      ),
      'Zendesk Support',
    );
    expect(lines[1]).toBe('CRM API: found the customer.');
    expect(lines[3]).toBe('Page: shows no customer the adapter can read.');
    expect(lines[4]).toBe(
      'Reported crm: zendesk; type: user; id: 42; context: 4821, from the CRM’s API.',
    );
  });

  it('says when the page would count as missed', () => {
    const lines = describeDetection(
      ticket(
        {
          crm: 'zendesk',
          pageKind: 'ticket',
          api: 'failed',
          url: 'none',
          page: 'none',
          chosen: null,
        },
        null,
      ),
      'Zendesk Support',
    );
    expect(lines.at(-1)).toMatch(/missed in detection health/);
    expect(lines[1]).toMatch(/refused or failed/);
  });

  it('tells the admin to reload a tab LoopDesk has not read', () => {
    expect(describeDetection(null, 'Zendesk Support')[0]).toMatch(/reload it/);
  });
});
