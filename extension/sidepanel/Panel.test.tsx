// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    expect(text).toContain('R2 F4 M5');
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
      ref: { crm: 'hubspot', type: 'contact', id: '77' },
    });
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'zendesk user 42');
    await fake.switchTab(9);
    await findText(rendered, 'hubspot contact 77');
    await fake.changeCustomer(9, {
      ...zendeskCustomer,
      tabId: 9,
      ref: { crm: 'hubspot', type: 'contact', id: '78' },
    });
    await findText(rendered, 'hubspot contact 78');
    await fake.changeCustomer(9, null);
    await findText(rendered, 'No customer on this page');
  });
});

describe('the customer at a glance', () => {
  it('shows segment, value and churn as badges, each with a text label beside its value', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Ana Lima');
    const badges = [...rendered.container.querySelectorAll('dl.badges > div')].map((badge) => [
      badge.querySelector('dt')?.textContent,
      badge.querySelector('dd')?.textContent,
    ]);
    expect(badges).toEqual([
      ['Segment', 'At risk'],
      ['Value', '$1,235 CLV, Gold tier'],
      ['Churn risk', 'High (62%)'],
    ]);
    // The colour only repeats what the text says.
    expect(rendered.container.querySelector('[data-churn="high"] dd')?.textContent).toBe(
      'High (62%)',
    );
  });

  it('folds the script open and keeps the why of the action in view', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    const action = rendered.container.querySelector('[data-testid="next-best-action"]');
    const script = action?.querySelector('details');
    expect(script?.open).toBe(false);
    expect(script?.querySelector('summary')?.textContent).toBe('What to say');
    expect(script?.textContent).toContain('Say: Offer 10% for 12 months.');
    expect(action?.querySelector('.why')?.textContent).toBe('High value and high churn risk.');
  });
});

describe('recording outcomes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const group = (rendered: Rendered, treatment = 'Loyalty discount') =>
    rendered.container.querySelector(`[role="group"][aria-label="Outcome for ${treatment}"]`);
  const outcomeButton = (rendered: Rendered, label: string, treatment?: string) =>
    [...(group(rendered, treatment)?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent === label,
    );
  /** An outcome button once the outbox has answered (until then they are disabled). */
  const readyOutcomeButton = async (rendered: Rendered, label: string, treatment?: string) => {
    for (let i = 0; i < 100 && outcomeButton(rendered, label, treatment)?.disabled !== false; i++) {
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    }
    return outcomeButton(rendered, label, treatment);
  };
  const clickOutcome = async (rendered: Rendered, label: string, treatment?: string) =>
    click(await readyOutcomeButton(rendered, label, treatment));
  const statusLines = (rendered: Rendered) =>
    [...rendered.container.querySelectorAll('[data-testid="outcome-status"]')].map(
      (line) => line.textContent,
    );
  const hhmm = (date: Date) => date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  it('offers one button per result, grouped and named for the action', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    expect(
      [...(group(rendered)?.querySelectorAll('button') ?? [])].map((b) => b.textContent),
    ).toEqual(['Accepted', 'Declined', 'Offered', 'Not offered']);
  });

  it('records an accepted offer with one click and says what was recorded and when', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    const before = new Date();
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    expect(fake.state.recorded).toEqual([
      {
        decisionId: 'dec-1',
        treatmentId: 't-retain',
        result: 'accepted',
        occurredAt: expect.any(String),
      },
    ]);
    expect(new Date(fake.state.recorded[0]?.occurredAt ?? 0) >= before).toBe(true);
    const [line] = statusLines(rendered);
    expect(line).toMatch(/^Recorded: Accepted at .+ · pending, will retry at .+ \(fetch failed\)$/);
    expect(line).toContain(`at ${hhmm(new Date(fake.state.outbox[0]?.createdAt ?? 0))}`);
    const status = rendered.container.querySelector('[data-testid="outcome-status"]');
    expect(status?.getAttribute('role')).toBe('status');
    expect(buttonNamed(rendered, 'Undo')).toBeDefined();
  });

  it('records offered and not offered with one click each, without a reason', async () => {
    for (const [label, result] of [
      ['Offered', 'offered'],
      ['Not offered', 'not_offered'],
    ] as const) {
      const fake = fakeApi();
      rendered = await renderPanel(fake.api);
      await findText(rendered, 'Loyalty discount');
      await clickOutcome(rendered, label);
      await findText(rendered, `Recorded: ${label} at`);
      expect(fake.state.recorded).toEqual([expect.objectContaining({ result })]);
      expect(fake.state.recorded[0]).not.toHaveProperty('reason');
      rendered.unmount();
      rendered = undefined;
    }
  });

  it('asks why before it records a decline, then records it with the reason and the note', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Declined');
    expect(fake.state.recorded).toEqual([]);
    await findText(rendered, 'Why did they decline?');
    expect(outcomeButton(rendered, 'Declined')?.getAttribute('aria-expanded')).toBe('true');
    const note = rendered.container.querySelector('textarea') as HTMLTextAreaElement;
    expect(note.closest('details')?.querySelector('summary')?.textContent).toBe(
      'Note for the analytics team',
    );
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      setter?.call(note, 'Price came up twice');
      note.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click(buttonNamed(rendered, 'Too expensive'));
    await findText(rendered, 'Recorded: Declined (Too expensive) at');
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

  it('lets the CSR cancel the reason choice without recording anything', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Declined');
    await findText(rendered, 'Why did they decline?');
    await click(buttonNamed(rendered, 'Cancel'));
    expect(rendered.text()).not.toContain('Why did they decline?');
    expect(fake.state.recorded).toEqual([]);
  });

  it('does not offer the buttons again while the outcome stands, and records a double click once', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    const accepted = await readyOutcomeButton(rendered, 'Accepted');
    await act(async () => {
      accepted?.click();
      accepted?.click();
    });
    await findText(rendered, 'Recorded: Accepted at');
    expect(fake.state.recorded).toHaveLength(1);
    expect(group(rendered)).toBeNull();
    for (const label of ['Accepted', 'Declined', 'Offered', 'Not offered'])
      expect(buttonNamed(rendered, label)).toBeUndefined();
  });

  it('offers Undo for 10 seconds after recording, then keeps only the status', async () => {
    // Only the clock and timeouts: React and the test's waits keep running in real time.
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    expect(buttonNamed(rendered, 'Undo')).toBeDefined();
    await act(async () => {
      vi.advanceTimersByTime(9_000);
    });
    expect(buttonNamed(rendered, 'Undo')).toBeDefined();
    await act(async () => {
      vi.advanceTimersByTime(1_100);
    });
    expect(buttonNamed(rendered, 'Undo')).toBeUndefined();
    expect(statusLines(rendered)).toEqual([expect.stringMatching(/^Recorded: Accepted at /)]);
    expect(group(rendered)).toBeNull();
  });

  it('undoes through the worker (retract-outcome), says so and brings the buttons back', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    await click(buttonNamed(rendered, 'Undo'));
    await findText(rendered, 'Undone: Accepted');
    expect(fake.state.retracted).toEqual(['key-1']);
    expect(statusLines(rendered)).toEqual([
      expect.stringMatching(/^Undone: Accepted \(recorded at .+\) · correction sending…$/),
    ]);
    expect(buttonNamed(rendered, 'Undo')).toBeUndefined();
    // The right result, recorded after the correction.
    await clickOutcome(rendered, 'Offered');
    await findText(rendered, 'Recorded: Offered at');
    expect(fake.state.recorded.map((o) => o.result)).toEqual(['accepted', 'offered']);
    expect(group(rendered)).toBeNull();
  });

  it('says why an Undo failed and keeps the outcome as recorded', async () => {
    const fake = fakeApi();
    fake.api.retractOutcome = async () => {
      throw new Error('worker busy');
    };
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    await click(buttonNamed(rendered, 'Undo'));
    await findText(rendered, 'Could not undo: worker busy');
    expect(statusLines(rendered)).toEqual([expect.stringMatching(/^Recorded: Accepted at /)]);
    expect(group(rendered)).toBeNull();
  });

  it('shows an outcome as sent once delivered, refreshes the suggestions once and keeps what was recorded', async () => {
    const fake = fakeApi();
    let decisions = 0;
    const nextAction = {
      treatmentId: 't-upgrade',
      name: 'Fibre upgrade',
      kind: 'up-sell' as const,
      script: 'Faster for the same price.',
      reason: 'Streams a lot.',
      propensity: 0.2,
      priority: 5,
    };
    fake.state.insights = async () => {
      decisions += 1;
      // After the accepted discount the engine puts it in cooldown and suggests the next action.
      return {
        kind: 'insights',
        insights: sampleInsights({
          decision: { id: `dec-${decisions}`, controlGroup: false, noActionReason: null },
          ...(decisions > 1 ? { nextBestActions: [nextAction] } : {}),
        }),
        fetchedAt: 'now',
      };
    };
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    expect(fake.state.insightsCalls).toHaveLength(1);

    fake.state.outbox = fake.state.outbox.map((e) => ({
      ...e,
      status: 'sent' as const,
      sentAt: new Date().toISOString(),
      lastError: null,
      nextAttemptAt: null,
    }));
    await fake.outboxChanged();
    await findText(rendered, 'Fibre upgrade');
    await findText(rendered, /Recorded: Accepted at .+ · sent/);
    expect(fake.state.insightsCalls).toHaveLength(2);
    // The recorded action stays shown, with Undo and without its buttons; the next one is offered.
    const recordedCard = rendered.container.querySelector('[data-testid="recorded-action"]');
    expect(recordedCard?.querySelector('h3')?.textContent).toBe('Loyalty discount');
    expect(group(rendered, 'Loyalty discount')).toBeNull();
    expect(buttonNamed(rendered, 'Undo')).toBeDefined();
    expect(group(rendered, 'Fibre upgrade')).not.toBeNull();
    expect(statusLines(rendered)).toHaveLength(1);

    // More outbox news does not refresh again for the same delivery.
    await fake.outboxChanged();
    await findText(rendered, 'Fibre upgrade');
    expect(fake.state.insightsCalls).toHaveLength(2);

    // Undo still works from the kept card, against the decision it was recorded for.
    await click(buttonNamed(rendered, 'Undo'));
    await findText(rendered, 'Undone: Accepted');
    expect(fake.state.retracted).toEqual(['key-1']);
    expect(group(rendered, 'Loyalty discount')).not.toBeNull();
  });

  it('keeps an outcome recorded when the refreshed decision suggests the same action again', async () => {
    const fake = fakeApi();
    let decisions = 0;
    fake.state.insights = async () => {
      decisions += 1;
      return {
        kind: 'insights',
        insights: sampleInsights({
          decision: { id: `dec-${decisions}`, controlGroup: false, noActionReason: null },
        }),
        fetchedAt: 'now',
      };
    };
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Offered');
    await findText(rendered, 'Recorded: Offered at');
    fake.state.outbox = fake.state.outbox.map((e) => ({ ...e, status: 'sent' as const }));
    await fake.outboxChanged();
    await findText(rendered, /Recorded: Offered at .+ · sent/);
    for (let i = 0; i < 50 && fake.state.insightsCalls.length < 2; i++) {
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    }
    expect(fake.state.insightsCalls).toHaveLength(2);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
    });
    // Still one card, showing what was recorded, no buttons to record it twice.
    expect(rendered.container.querySelectorAll('[data-testid="next-best-action"]')).toHaveLength(1);
    expect(rendered.container.querySelector('[data-testid="recorded-action"]')).toBeNull();
    expect(statusLines(rendered)).toEqual([
      expect.stringMatching(/^Recorded: Offered at .+ · sent$/),
    ]);
    expect(group(rendered)).toBeNull();
  });

  it('offers the buttons again when the backend refused an outcome (nothing was stored)', async () => {
    const fake = fakeApi();
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Recorded: Accepted at');
    fake.state.outbox = fake.state.outbox.map((e) => ({
      ...e,
      status: 'failed' as const,
      lastError: '422 Unprocessable Entity',
      nextAttemptAt: null,
    }));
    await fake.outboxChanged();
    await findText(rendered, 'Not stored: Accepted at');
    expect(statusLines(rendered)).toEqual([
      expect.stringMatching(/· not accepted by the backend \(422 Unprocessable Entity\)$/),
    ]);
    expect(buttonNamed(rendered, 'Undo')).toBeUndefined();
    expect(group(rendered)).not.toBeNull();
    expect(fake.state.insightsCalls).toHaveLength(1);
  });

  it('says when the worker could not take the outcome, and offers the buttons again', async () => {
    const fake = fakeApi();
    fake.api.recordOutcome = async () => {
      throw new Error('outbox unavailable');
    };
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loyalty discount');
    await clickOutcome(rendered, 'Accepted');
    await findText(rendered, 'Could not hand the outcome to LoopDesk: outbox unavailable');
    expect(outcomeButton(rendered, 'Accepted')?.disabled).toBe(false);
  });
});

describe('chat consoles: several conversations at once', () => {
  const conversation = (context: string, email?: string, api?: 'pending' | 'failed') => ({
    ...zendeskCustomer,
    ref: email
      ? { crm: 'intercom', type: 'user', email, context }
      : { crm: 'intercom', type: 'conversation', displayName: 'Grey Locomotive', context },
    ...(api
      ? {
          signals: {
            crm: 'intercom',
            pageKind: 'conversation',
            api,
            url: 'none' as const,
            page: 'none' as const,
            chosen: null,
          },
        }
      : {}),
  });

  it('asks for each conversation’s own decision, and switching back asks nothing again', async () => {
    const fake = fakeApi();
    fake.state.customers.set(7, conversation('215', 'dana@example.com'));
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Ana Lima');
    await fake.changeCustomer(7, conversation('216', 'omar@example.com'));
    await vi.waitFor(() => expect(fake.state.insightsCalls).toHaveLength(2));
    await findText(rendered, 'Ana Lima');
    await fake.changeCustomer(7, conversation('215', 'dana@example.com'));
    await findText(rendered, 'Ana Lima');
    expect(fake.state.insightsCalls).toEqual([
      { email: 'dana@example.com', context: '215', conversation: 'intercom:215' },
      { email: 'omar@example.com', context: '216', conversation: 'intercom:216' },
    ]);
  });

  it('says a conversation shows no email or phone, once the console’s API has had its say', async () => {
    const fake = fakeApi();
    fake.state.customers.set(7, conversation('217', undefined, 'pending'));
    rendered = await renderPanel(fake.api);
    await findText(rendered, 'Loading…');
    await fake.changeCustomer(7, conversation('217', undefined, 'failed'));
    await findText(rendered, 'This conversation shows no email or phone');
    expect(rendered.text()).toContain('Grey Locomotive: nothing in conversation 217');
    expect(fake.state.insightsCalls).toHaveLength(0);
  });
});
