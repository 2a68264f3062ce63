// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buttonNamed,
  click,
  fakeApi,
  findText,
  renderPanel,
  sampleInsights,
  zendeskCustomer,
  type Rendered,
} from './test-support.tsx';

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

describe('side panel states', () => {
  it('asks for setup when no backend or token is set, with a way to the settings', async () => {
    const fake = fakeApi();
    fake.state.configured = false;
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'LoopDesk is not set up yet');
    await click(buttonNamed(rendered, 'Open settings'));
    expect(fake.state.optionsOpened).toBe(1);
  });

  it('says a refused token needs replacing, with a way to the settings', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({
      kind: 'error',
      status: 401,
      problem: {
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'The token is unknown or revoked.',
      },
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Your token was refused');
    expect(rendered.text()).toContain('(The token is unknown or revoked.)');
    await click(buttonNamed(rendered, 'Open settings'));
    expect(fake.state.optionsOpened).toBe(1);
  });

  it('says the worker will not contact the backend, with a way to the settings', async () => {
    const fake = fakeApi();
    const reason =
      'LoopDesk may not reach https://loopdesk.example.com: access to it is not granted.';
    fake.state.insights = async () => ({ kind: 'backend-refused', reason });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'LoopDesk will not contact this backend');
    expect(rendered.text()).toContain(reason);
    expect(rendered.text()).toContain('Outcomes you record meanwhile wait');
    await click(buttonNamed(rendered, 'Open settings'));
    expect(fake.state.optionsOpened).toBe(1);
  });

  it('shows the customer again once the backend is allowed again', async () => {
    const fake = fakeApi();
    const reason = 'LoopDesk may not reach https://loopdesk.example.com.';
    const answered = fake.state.insights;
    fake.state.insights = async () => ({ kind: 'backend-refused', reason });
    fake.state.backendRefused = reason;
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'LoopDesk will not contact this backend');
    // Fixed on the options page: the panel looks at the status again every 2 s.
    fake.state.backendRefused = null;
    fake.state.insights = answered;
    for (let i = 0; i < 4 && !rendered.text().includes('Ana Lima'); i++) {
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      });
    }
    await findText(rendered, 'Ana Lima');
  });

  it('says so from the status too, before any customer is open', async () => {
    const fake = fakeApi();
    fake.state.customers.set(7, null);
    fake.state.backendRefused = 'Backend URL: use https://crm.example.net.';
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'LoopDesk will not contact this backend');
    expect(rendered.text()).toContain('Backend URL: use https://crm.example.net.');
    expect(fake.state.insightsCalls).toEqual([]);
  });

  it('offers the supervisor workspace to supervisors and admins only', async () => {
    const csr = fakeApi();
    rendered = await renderPanel(csr.api);
    await findText(rendered, 'Ana Lima');
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(rendered.text()).not.toContain('Supervisor workspace');
    rendered.unmount();

    const admin = fakeApi();
    admin.state.role = 'admin';
    rendered = await renderPanel(admin.api);
    await findText(rendered, 'Supervisor workspace');
  });

  it('opens the supervisor workspace from the footer', async () => {
    const fake = fakeApi();
    fake.state.role = 'supervisor';
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Supervisor workspace');
    await findText(rendered, 'Ana Lima');
    expect(fake.state.supervisorOpened).toBe(0);
    await click(buttonNamed(rendered, 'Supervisor workspace'));
    expect(fake.state.supervisorOpened).toBe(1);
  });

  it('stays calm on a page with no customer', async () => {
    const fake = fakeApi();
    fake.state.customers.set(7, null);
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'No customer on this page');
    expect(fake.state.insightsCalls).toHaveLength(0);
  });

  it('shows the insights of the tab’s customer', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Ana Lima');
    const text = rendered.text();
    expect(text).toContain('zendesk user 42');
    expect(text).toContain('At risk (R2 F4 M5)');
    expect(text).toContain('$1,235 CLV, Gold tier');
    expect(text).toContain('High (62%)');
    expect(text).toContain('Month-to-month contract');
    expect(text).toContain('2 years 2 months');
    expect(text).toContain('Billing question');
    expect(text).toContain('Loyalty discount');
    expect(text).toContain('High value and high churn risk.');
    expect(fake.state.insightsCalls).toEqual([{ crm: 'zendesk', type: 'user', id: '42' }]);
  });

  it('names the model behind value and churn in small print, from its own list', async () => {
    const fake = fakeApi();
    const base = sampleInsights();
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights({
        value: { ...base.value!, model: { kind: 'mbgnbd', version: '3' } },
        churn: { ...base.churn!, source: 'bgnbd', model: { kind: 'mbgnbd', version: '3' } },
      }),
      fetchedAt: 'now',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Ana Lima');
    const container = rendered.container;
    const note = (id: string) => container.querySelector(`[data-testid="${id}"]`);
    expect(note('value-model')?.tagName).toBe('SMALL');
    expect(note('value-model')?.textContent).toBe(' by MBG/NBD');
    expect(note('churn-model')?.textContent).toBe(' by MBG/NBD');
  });

  it('shows no model name it does not know, and none for older servers', async () => {
    const fake = fakeApi();
    const base = sampleInsights();
    const hostile = '<img src=x onerror="alert(1)">';
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: {
        ...base,
        value: { ...base.value!, model: { kind: hostile, version: null } },
      } as unknown as ReturnType<typeof sampleInsights>,
      fetchedAt: 'now',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Ana Lima');
    expect(rendered.container.querySelector('[data-testid="value-model"]')).toBeNull();
    expect(rendered.container.querySelector('[data-testid="churn-model"]')).toBeNull();
    expect(rendered.text()).not.toContain('onerror');
    expect(rendered.container.querySelector('img')).toBeNull();
  });

  it('renders backend text as text, never as HTML', async () => {
    const fake = fakeApi();
    const hostile = '<img src=x onerror="alert(1)">';
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights({ customer: { ...sampleInsights().customer, name: hostile } }),
      fetchedAt: 'now',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, hostile);
    expect(rendered.container.querySelector('img')).toBeNull();
  });

  it('says there is no suggestion for a control-group contact', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights({
        nextBestActions: [],
        decision: { id: 'dec-2', controlGroup: true, noActionReason: 'Control group' },
      }),
      fetchedAt: 'now',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'No suggestion for this contact');
    expect(rendered.text()).toContain('Control group');
    expect(rendered.container.querySelector('[data-testid="next-best-action"]')).toBeNull();
  });

  it('says so for an unknown customer and offers nothing made up', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({
      kind: 'unknown',
      detail: 'No customer matches zendesk user 42.',
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Unknown customer');
    expect(rendered.text()).toContain('No customer matches zendesk user 42.');
    expect(rendered.container.querySelector('[data-testid="next-best-action"]')).toBeNull();
  });

  it('lists ambiguous candidates and fetches the one picked by its email', async () => {
    const fake = fakeApi();
    fake.state.insights = async () =>
      fake.state.insightsCalls.length === 1
        ? {
            kind: 'ambiguous',
            detail: 'Two customers share this phone.',
            candidates: [
              { customerId: 'c-1', name: 'Ana Lima', email: 'ana@example.com', phone: '555' },
              { customerId: 'c-2', name: 'Ana Lima', email: 'ana.l@example.org', phone: '555' },
            ],
          }
        : { kind: 'insights', insights: sampleInsights(), fetchedAt: 'now' };
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Several customers match');
    await click(buttonNamed(rendered, /ana\.l@example\.org/));
    await findText(rendered, 'Loyalty discount');
    expect(fake.state.insightsCalls.at(-1)).toEqual({ email: 'ana.l@example.org' });
    await click(buttonNamed(rendered, 'Back to the matching customers'));
    await findText(rendered, 'Several customers match');
  });

  it('offers a retry when the backend is unreachable, and flushes the outbox on retry', async () => {
    const fake = fakeApi();
    fake.state.insights = async () => ({ kind: 'unreachable', message: 'fetch failed' });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Backend unreachable');
    fake.state.insights = async () => ({
      kind: 'insights',
      insights: sampleInsights(),
      fetchedAt: 'now',
    });
    await click(buttonNamed(rendered, 'Retry'));
    await findText(rendered, 'Loyalty discount');
    expect(fake.state.flushes).toBe(1);
  });

  it('keeps the last known data, marked stale, when a refresh fails', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api, { staleTimeMs: 0 });
    await findText(rendered, 'Loyalty discount');
    expect(rendered.container.querySelector('[data-testid="stale"]')).toBeNull();
    fake.state.insights = async () => ({ kind: 'unreachable', message: 'fetch failed' });
    // Coming back to the tab refreshes the (stale) insights, which now fails.
    await fake.switchTab(8);
    await findText(rendered, 'No customer on this page');
    await fake.switchTab(7);
    await findText(rendered, /Backend unreachable: showing data from .+, which may be out of date/);
    expect(rendered.text()).toContain('Loyalty discount');
    expect(buttonNamed(rendered, 'Retry')).toBeDefined();
  });

  it('follows tab switches and SPA navigation', async () => {
    const fake = fakeApi();
    fake.state.customers.set(9, {
      ...zendeskCustomer,
      tabId: 9,
      ref: { crm: 'hubspot', objectType: 'contact', recordId: '77' },
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'zendesk user 42');
    await fake.switchTab(9);
    await findText(rendered, 'hubspot contact 77');
    await fake.changeCustomer(9, {
      ...zendeskCustomer,
      tabId: 9,
      ref: { crm: 'hubspot', objectType: 'contact', recordId: '78' },
    });
    await findText(rendered, 'hubspot contact 78');
    await fake.changeCustomer(9, null);
    await findText(rendered, 'No customer on this page');
  });
});

describe('recording outcomes', () => {
  function choose(rendered: Rendered, label: string) {
    const input = [...rendered.container.querySelectorAll('label')]
      .find((l) => l.textContent?.trim() === label)
      ?.querySelector('input');
    return click(input);
  }

  it('needs a reason to record a decline, then hands it to the outbox and shows it pending', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    const submit = buttonNamed(rendered, 'Record outcome');
    expect(submit?.disabled).toBe(true);
    await choose(rendered, 'Declined');
    expect(buttonNamed(rendered, 'Record outcome')?.disabled).toBe(true);
    const select = rendered.container.querySelector('select') as HTMLSelectElement;
    await act(async () => {
      select.value = 'too_expensive';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const note = rendered.container.querySelector('textarea') as HTMLTextAreaElement;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      setter?.call(note, 'Price came up twice');
      note.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click(buttonNamed(rendered, 'Record outcome'));
    await findText(rendered, 'Declined: pending (fetch failed), will retry');
    expect(fake.state.recorded).toEqual([
      expect.objectContaining({
        decisionId: 'dec-1',
        treatmentId: 't-retain',
        result: 'declined',
        reason: 'too_expensive',
        note: 'Price came up twice',
      }),
    ]);
  });

  it('shows an outcome as sent once the outbox delivered it', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await choose(rendered, 'Accepted');
    await click(buttonNamed(rendered, 'Record outcome'));
    await findText(rendered, 'Accepted: pending');
    fake.state.outbox = fake.state.outbox.map((e) => ({
      ...e,
      status: 'sent' as const,
      sentAt: 'now',
    }));
    await fake.outboxChanged();
    await findText(rendered, 'Accepted: sent');
  });
});
