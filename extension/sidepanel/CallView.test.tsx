// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { CurrentCall } from '../messaging/protocol.ts';
import {
  buttonNamed,
  click,
  fakeApi,
  findText,
  renderPanel,
  sampleInsights,
  type Rendered,
} from './test-support.tsx';

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const ringing: CurrentCall = {
  key: 'twilio:CA1',
  source: 'server',
  platform: 'twilio',
  phase: 'ringing',
  remote: '+14155550101',
  withheld: false,
  customer: {
    status: 'found',
    customer: { customerId: 'C1', name: 'Harper Johnson', email: null, phone: '+14155550101' },
  },
  startedAt: '2026-12-03T10:00:00Z',
  updatedAt: '2026-12-03T10:00:00Z',
};

describe('a call in the side panel', () => {
  it('shows the caller above the tab while it rings, tied to the call, and follows it', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights({
        customer: { ...sampleInsights().customer, id: 'C1', name: 'Harper Johnson' },
      }),
      fetchedAt: '2026-12-03T10:00:01Z',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'zendesk user 42');
    await fake.changeCall(ringing);
    await findText(rendered, 'Ringing: Harper Johnson');
    expect(rendered.text()).toContain('On this tab: Ana Lima');
    expect(fake.state.insightsCalls.at(-1)).toEqual({ phone: '+14155550101', call: 'twilio:CA1' });
    await fake.changeCall({ ...ringing, phase: 'connected' });
    await findText(rendered, 'On call: Harper Johnson');
    const lookups = fake.state.insightsCalls.length;
    // The CRM record of the same customer opens during the call: nothing reloads.
    await fake.changeCustomer(7, {
      tabId: 7,
      ref: { crm: 'zendesk', type: 'user', id: '77', displayName: 'Harper Johnson' },
      url: 'https://acme.zendesk.com/agent/users/77',
      detectedAt: '2026-12-03T10:00:30Z',
    });
    // The tab now shows the caller's own record: no second line naming her again.
    await findText(rendered, /^(?![\s\S]*On this tab)[\s\S]*On call: Harper Johnson/);
    expect(rendered.container.querySelector('[data-testid="tab-under-call"]')).toBeNull();
    expect(fake.state.insightsCalls.length).toBe(lookups);
    // Ended: still on screen, until the CSR goes back to the tab.
    await fake.changeCall(null);
    await findText(rendered, 'Call ended: Harper Johnson');
    await click(buttonNamed(rendered, 'Back to this tab’s customer'));
    await findText(rendered, 'zendesk user 77');
    expect(fake.state.insightsCalls.at(-1)).toEqual({ crm: 'zendesk', type: 'user', id: '77' });
  });

  it('names an unknown caller by number and never looks up a withheld one', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({ kind: 'unknown', detail: 'No customer has phone +1.' });
    rendered = await renderPanel(fake.api);
    await fake.changeCall({
      ...ringing,
      source: 'softphone',
      platform: 'aircall-everywhere',
      key: 'aircall-everywhere:812',
      customer: undefined,
      remote: '+1 212 555 0199',
    });
    await findText(rendered, 'Ringing: Unknown caller +1 212 555 0199');
    const before = fake.state.insightsCalls.length;
    await fake.changeCall({
      ...ringing,
      key: 'twilio:CA2',
      customer: { status: 'unknown' },
      remote: null,
      withheld: true,
    });
    await findText(rendered, 'Ringing: Withheld number');
    expect(rendered.text()).toContain('number is withheld');
    expect(fake.state.insightsCalls.length).toBe(before);
  });

  it('lists the customers who share the number, and keeps the call on the one picked', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({
      kind: 'ambiguous',
      detail: 'Several customers have phone +14155550102.',
      candidates: [
        { customerId: 'C2', name: 'Bob Twin', email: 'bob@example.com', phone: null },
        { customerId: 'C3', name: 'Bea Twin', email: 'bea@example.com', phone: null },
      ],
    });
    rendered = await renderPanel(fake.api);
    await fake.changeCall({ ...ringing, customer: undefined, remote: '+14155550102' });
    await findText(rendered, 'Bea Twin');
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights(),
      fetchedAt: '2026-12-03T10:00:01Z',
    });
    await click(buttonNamed(rendered, /Bea Twin/));
    await findText(rendered, 'Back to the matching customers');
    expect(fake.state.insightsCalls.at(-1)).toEqual({
      email: 'bea@example.com',
      call: 'twilio:CA1',
    });
  });
});
