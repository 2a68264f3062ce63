import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { expect, vi } from 'vitest';
import {
  kpiNames,
  type KpiName,
  type KpiReport,
  type KpiRow,
  type SupervisorScope,
} from '../../src/contract/supervisor.ts';
import { SupervisorClient } from './api.ts';
import { useWorkspaceUi } from './ui-store.ts';
import { Workspace } from './Workspace.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const supervisorScope: SupervisorScope = {
  agentName: 'lead',
  role: 'supervisor',
  teams: ['Support'],
  allTeams: ['Support'],
  segments: ['Champions'],
};

/** A KPI row with the given values (missing ones: nothing measured). */
export function kpiRow(group: string | null, values: Partial<Record<KpiName, number>>): KpiRow {
  return {
    group,
    kpis: Object.fromEntries(
      kpiNames.map((name) => [
        name,
        {
          value: values[name] ?? null,
          numerator: values[name] === undefined ? 0 : Math.round(values[name] * 10),
          denominator: values[name] === undefined ? 0 : 10,
          ci95: null,
        },
      ]),
    ) as KpiRow['kpis'],
  };
}

export function kpiReport(rows: KpiRow[], groupBy: KpiReport['groupBy']): KpiReport {
  return {
    from: '2026-09-05',
    to: '2026-12-04',
    groupBy,
    definitions: Object.fromEntries(
      kpiNames.map((name) => [name, { label: `${name} label`, definition: `${name} means` }]),
    ) as KpiReport['definitions'],
    overall: kpiRow(null, {}),
    rows,
  };
}

export type Routes = Record<string, (url: URL, init: RequestInit | undefined) => unknown>;

/** The workspace against a backend double answering `routes` by path (404 for anything else). */
export async function renderWorkspace(routes: Routes) {
  const requests: URL[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push(url);
    if (url.pathname === '/v1/supervisor/scope' && !routes[url.pathname])
      return Response.json(supervisorScope);
    const route = routes[url.pathname];
    if (route) return Response.json(route(url, init));
    return Response.json(
      { type: 'about:blank', title: 'Not Found', status: 404, detail: 'not in this test' },
      { status: 404 },
    );
  });
  const client = new SupervisorClient(
    async () => ({ baseUrl: 'https://backend.example', token: 'tok' }),
    fetchImpl as typeof fetch,
  );
  const container = document.createElement('div');
  document.body.append(container);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  let root!: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(
      <QueryClientProvider client={queryClient}>
        <Workspace client={client} />
      </QueryClientProvider>,
    );
  });
  return {
    container,
    requests,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Lets queries settle inside act until the check passes. */
export async function until(check: () => void): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      check();
      return;
    } catch (error) {
      if (i >= 200) throw error;
    }
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
}

export function resetUi(): void {
  act(() => useWorkspaceUi.setState({ tab: 'review', drill: null, drillAnchor: null }));
}

export function tab(container: HTMLElement, name: string): HTMLButtonElement {
  const found = [...container.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find(
    (t) => t.textContent === name,
  );
  expect(found, `tab ${name}`).toBeDefined();
  return found!;
}

export function tableByCaption(container: HTMLElement, caption: string | RegExp) {
  const table = [...container.querySelectorAll('table')].find((t) => {
    const text = t.querySelector('caption')?.textContent ?? '';
    return typeof caption === 'string' ? text === caption : caption.test(text);
  });
  expect(table, `table ${String(caption)}`).toBeDefined();
  return table!;
}

export const headers = (table: HTMLTableElement) =>
  [...table.querySelectorAll('thead th button')].map((b) => b.textContent);

/**
 * Picks an option the way a person does: through the prototype's setter, so React's value
 * tracking sees a change, then the event React listens for.
 */
export async function choose(select: HTMLSelectElement, value: string): Promise<void> {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(select, value);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** Types into an input the way a person does (see `choose`). */
export async function type(input: HTMLInputElement, value: string): Promise<void> {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
