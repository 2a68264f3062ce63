// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectionHealthReport } from '../../src/contract/detection-health.ts';
import type { SupervisorScope } from '../../src/contract/supervisor.ts';
import { useWorkspaceUi } from './ui-store.ts';
import { renderWorkspace, tab as tabNamed, until } from './test-support.tsx';

const report: DetectionHealthReport = {
  from: '2026-11-04',
  to: '2026-12-04',
  rows: [
    {
      crm: 'salesforce',
      pageKind: 'case',
      visited: 200,
      foundByApi: 100,
      foundByUrl: 0,
      foundByPage: 40,
      missed: 60,
      missRate: 0.3,
      agents: 4,
      lastReportedAt: '2026-12-03T10:00:00.000Z',
    },
    {
      crm: '<img src=x onerror=alert(1)>',
      pageKind: '<b>ticket</b>',
      visited: 10,
      foundByApi: 0,
      foundByUrl: 10,
      foundByPage: 0,
      missed: 0,
      missRate: 0,
      agents: 1,
      lastReportedAt: '2026-12-03T09:00:00.000Z',
    },
  ],
};

const scopeOf = (role: SupervisorScope['role']): SupervisorScope => ({
  agentName: `test-${role}`,
  role,
  teams: role === 'admin' ? null : ['Support'],
  allTeams: ['Support'],
  segments: [],
});

/** The workspace against a backend double: the scope for the role and detection health. */
const render = (role: SupervisorScope['role']) =>
  renderWorkspace({
    '/v1/supervisor/scope': () => scopeOf(role),
    '/v1/detection-health': () => report,
  });

const tabLabels = (container: HTMLElement) =>
  [...container.querySelectorAll('[role="tab"]')].map((t) => t.textContent);

describe('Detection tab', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    document.body.innerHTML = '';
    act(() => useWorkspaceUi.setState({ tab: 'review', drill: null }));
  });

  it('is shown to admins: detection health per CRM page kind, worst first, as text', async () => {
    const view = await render('admin');
    cleanup = view.unmount;
    await until(() => expect(tabLabels(view.container)).toContain('Detection'));
    const tab = tabNamed(view.container, 'Detection');
    await act(async () => tab.click());
    await until(() => expect(view.container.querySelectorAll('tbody tr')).toHaveLength(2));
    const cells = [...view.container.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(cells[0]!.slice(0, 9)).toEqual([
      'salesforce',
      'case',
      '200',
      '100',
      '0',
      '40',
      '60',
      '30.0%',
      '4',
    ]);
    // Backend text is shown as text, never parsed as HTML.
    expect(cells[1]!.slice(0, 2)).toEqual(['<img src=x onerror=alert(1)>', '<b>ticket</b>']);
    expect(view.container.querySelector('tbody img, tbody b')).toBeNull();
    const asked = view.requests.find((u) => u.pathname === '/v1/detection-health')!;
    const { from, to } = useWorkspaceUi.getState();
    expect(Object.fromEntries(asked.searchParams)).toEqual({ from, to });
  });

  it('is not offered to supervisors, even when the tab was left selected', async () => {
    act(() => useWorkspaceUi.setState({ tab: 'detection' }));
    const view = await render('supervisor');
    cleanup = view.unmount;
    await until(() => expect(view.container.querySelector('.who')).not.toBeNull());
    expect(tabLabels(view.container)).toEqual(['Review', 'KPIs', 'Coaching', 'Notes']);
    expect(view.container.querySelector('[role="tabpanel"]')!.getAttribute('aria-label')).toBe(
      'Review',
    );
    expect(view.requests.some((u) => u.pathname === '/v1/detection-health')).toBe(false);
  });
});
