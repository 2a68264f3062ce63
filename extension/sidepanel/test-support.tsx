import { QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Insights } from '../../src/contract/insights.ts';
import type {
  CurrentCall,
  InsightsResult,
  OutboxEntryView,
  TabCustomer,
} from '../messaging/protocol.ts';
import type { PanelApi } from './api.ts';
import { Panel } from './Panel.tsx';
import { createPanelQueryClient } from './query-client.ts';
import { initialPanelUi, usePanelUi } from './ui-store.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export function sampleInsights(overrides: Partial<Insights> = {}): Insights {
  return {
    customer: {
      id: 'c-1',
      name: 'Ana Lima',
      email: 'ana@example.com',
      phone: null,
      since: '2023-01-01',
      tenureDays: 800,
      identities: [{ kind: 'email', value: 'ana@example.com' }],
    },
    segment: { name: 'At risk', recency: 2, frequency: 4, monetary: 5 },
    value: {
      clv: 1234.5,
      currency: 'USD',
      tier: 'gold',
      expectedPurchases: 3.2,
      pAlive: 0.7,
      horizonMonths: 12,
    },
    churn: {
      probability: 0.62,
      band: 'high',
      source: 'model',
      modelVersion: 'v1',
      reasons: ['Month-to-month contract'],
    },
    nextBestActions: [
      {
        treatmentId: 't-retain',
        name: 'Loyalty discount',
        kind: 'retention',
        script: 'Offer 10% for 12 months.',
        reason: 'High value and high churn risk.',
        propensity: 0.3,
        priority: 12,
      },
    ],
    decision: { id: 'dec-1', controlGroup: false, noActionReason: null },
    routing: { priority: 'high', skill: 'retention', reason: 'high value at risk' },
    recentContacts: [
      {
        id: 'k1',
        startedAt: '2026-11-01T10:00:00Z',
        channel: 'phone',
        reason: 'Billing question',
        resolvedFirstContact: true,
        csat: 4,
        agent: 'joe',
      },
    ],
    scoredAt: '2026-11-24T00:00:00Z',
    ...overrides,
  };
}

export const zendeskCustomer: TabCustomer = {
  tabId: 7,
  ref: { crm: 'zendesk', type: 'user', id: '42', displayName: 'Ana Lima' },
  url: 'https://acme.zendesk.com/agent/users/42',
  detectedAt: '2026-11-25T10:00:00Z',
};

/** A scriptable PanelApi: tests set what the worker answers and fire browser events. */
export function fakeApi() {
  const state = {
    configured: true,
    backendRefused: null as string | null,
    role: 'csr' as 'csr' | 'supervisor' | 'admin',
    customers: new Map<number, TabCustomer | null>([[7, zendeskCustomer]]),
    insights: (): Promise<InsightsResult> =>
      Promise.resolve({
        kind: 'insights',
        insights: sampleInsights(),
        fetchedAt: '2026-11-25T10:00:00Z',
      }),
    outbox: [] as OutboxEntryView[],
    recorded: [] as OutboxEntryView['outcome'][],
    /** Idempotency keys the panel asked the worker to retract ('retract-outcome'). */
    retracted: [] as string[],
    insightsCalls: [] as unknown[],
    flushes: 0,
    optionsOpened: 0,
    supervisorOpened: 0,
    call: null as CurrentCall | null,
  };
  let callChanged: (call: CurrentCall | null) => void = () => {};
  let followTab: (tabId: number | null) => void = () => {};
  let tabChanged: (tabId: number, customer: TabCustomer | null) => void = () => {};
  let outboxChanged: () => void = () => {};
  const api: PanelApi = {
    followedTab(onChange) {
      followTab = onChange;
      onChange(7);
      return () => {};
    },
    getTabCustomer: async (tabId) => state.customers.get(tabId) ?? null,
    onTabCustomerChanged(listener) {
      tabChanged = listener;
      return () => {};
    },
    getCurrentCall: async () => state.call,
    onCallChanged(listener) {
      callChanged = listener;
      return () => {};
    },
    getStatus: async () => ({
      configured: state.configured,
      backendUrl: 'http://127.0.0.1:4000',
      hasToken: state.configured,
      backendRefused: state.backendRefused,
    }),
    checkBackend: async () => ({
      kind: 'connected',
      backendUrl: 'http://127.0.0.1:4000',
      agentName: 'Ana Agent',
      role: state.role,
    }),
    getInsights: (query) => {
      state.insightsCalls.push(query);
      return state.insights();
    },
    recordOutcome: async (outcome) => {
      state.recorded.push(outcome);
      const entry: OutboxEntryView = {
        idempotencyKey: `key-${state.recorded.length}`,
        outcome,
        status: 'pending',
        attempts: 1,
        nextAttemptAt: new Date(Date.now() + 5_000).toISOString(),
        lastError: 'fetch failed',
        createdAt: new Date().toISOString(),
        sentAt: null,
        retraction: null,
      };
      state.outbox.push(entry);
      return entry;
    },
    retractOutcome: async (idempotencyKey) => {
      state.retracted.push(idempotencyKey);
      const entry = state.outbox.find((e) => e.idempotencyKey === idempotencyKey);
      if (!entry) throw new Error(`no outbox entry ${idempotencyKey}`);
      const retracted: OutboxEntryView = {
        ...entry,
        retraction: { requestedAt: new Date().toISOString(), status: 'pending', lastError: null },
      };
      state.outbox = state.outbox.map((e) => (e === entry ? retracted : e));
      return retracted;
    },
    getOutbox: async (decisionIds) =>
      state.outbox.filter((e) => decisionIds.includes(e.outcome.decisionId)),
    flushOutbox: async () => {
      state.flushes++;
      return state.outbox;
    },
    onOutboxChanged(listener) {
      outboxChanged = listener;
      return () => {};
    },
    openOptions: () => {
      state.optionsOpened++;
    },
    openSupervisorWorkspace: () => {
      state.supervisorOpened++;
    },
  };
  return {
    api,
    state,
    switchTab: (tabId: number | null) => act(() => followTab(tabId)),
    changeCustomer: (tabId: number, customer: TabCustomer | null) =>
      act(() => tabChanged(tabId, customer)),
    outboxChanged: () => act(() => outboxChanged()),
    changeCall: (call: CurrentCall | null) =>
      act(() => {
        state.call = call;
        callChanged(call);
      }),
  };
}

export interface Rendered {
  container: HTMLElement;
  text(): string;
  unmount(): void;
}

export async function renderPanel(
  api: PanelApi,
  options: { staleTimeMs?: number } = {},
): Promise<Rendered> {
  usePanelUi.setState(initialPanelUi);
  const container = document.createElement('div');
  document.body.append(container);
  const root: Root = createRoot(container);
  await act(async () => {
    root.render(
      <QueryClientProvider client={createPanelQueryClient({ retries: 0, ...options })}>
        <Panel api={api} />
      </QueryClientProvider>,
    );
  });
  return {
    container,
    text: () => container.textContent ?? '',
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Waits until the panel shows this text (React renders asynchronously after each answer). */
export async function findText(rendered: Rendered, expected: string | RegExp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const text = rendered.text();
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) return;
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
  throw new Error(`panel never showed ${String(expected)}; it shows: ${rendered.text()}`);
}

export async function click(element: Element | null | undefined): Promise<void> {
  if (!(element instanceof HTMLElement)) throw new Error('nothing to click');
  await act(async () => {
    element.click();
  });
}

export function buttonNamed(
  rendered: Rendered,
  name: string | RegExp,
): HTMLButtonElement | undefined {
  return [...rendered.container.querySelectorAll('button')].find((b) =>
    typeof name === 'string' ? b.textContent?.trim() === name : name.test(b.textContent ?? ''),
  );
}
