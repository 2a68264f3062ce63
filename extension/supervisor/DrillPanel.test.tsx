// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  CatalogueTreatment,
  DecisionDrillRow,
  TreatmentReview,
  TreatmentReviewRow,
} from '../../src/contract/supervisor.ts';
import { renderWorkspace, resetUi, tableByCaption, until, type Routes } from './test-support.tsx';

const reviewRow = (
  treatmentKey: string,
  name: string,
  suggested: number,
  declinedByReason: Record<string, number> = {},
): TreatmentReviewRow => ({
  treatmentKey,
  name,
  kind: 'retention',
  active: true,
  suggested,
  offered: suggested,
  accepted: 0,
  declined: suggested,
  declinedByReason,
  offerRate: 1,
  acceptanceRate: 0,
  acceptanceCi95: null,
  uplift: null,
  upliftCi95: null,
  treatedDecisions: suggested,
  controlDecisions: 0,
  valueDelivered: 0,
});

const review: TreatmentReview = {
  from: '2026-09-05',
  to: '2026-12-04',
  definitions: {},
  rows: [
    reviewRow('loyalty', 'Loyalty discount', 4),
    reviewRow('upgrade', 'Plan upgrade', 2, { too_expensive: 2 }),
  ],
};
const catalogue: CatalogueTreatment[] = [
  {
    id: 'loyalty',
    name: 'Loyalty discount',
    kind: 'retention',
    active: true,
    prior: { propensity: 0.2, evidenceWeight: 10 },
  },
  {
    id: 'upgrade',
    name: 'Plan upgrade',
    kind: 'upsell',
    active: true,
    prior: { propensity: 0.1, evidenceWeight: 5 },
  },
];
const decisions: DecisionDrillRow[] = [
  {
    decisionId: 'd-1',
    customerId: 'CUST-0001',
    customerName: '<img src=x onerror=alert(1)>',
    segment: 'Champions',
    agent: 'Grace Hopper',
    decidedAt: '2026-12-01T10:00:00.000Z',
    controlGroup: false,
    treatmentKey: 'upgrade',
    result: 'declined',
    reason: 'too_expensive',
    note: '<b>not now</b>',
    outcomeAt: '2026-12-01T10:05:00.000Z',
  },
];
const routes: Routes = {
  '/v1/supervisor/treatments': () => review,
  '/v1/treatments': () => catalogue,
  '/v1/rules': () => [],
  '/v1/supervisor/decisions': () => decisions,
};

const rect = (top: number, left: number, width: number, height: number) =>
  ({
    top,
    left,
    width,
    height,
    bottom: top + height,
    right: left + width,
    x: left,
    y: top,
  }) as DOMRect;

/**
 * Layout happy-dom does not compute: the workspace's tab panel starts 100 px down and is 1200 px wide, the
 * "Plan upgrade" row is 400 px down; count cells sit in the left half, reason buttons in the right.
 */
function fakeLayout() {
  return vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (
    this: Element,
  ) {
    // The tab panel is the drawer's positioned parent.
    if (this.matches('[role="tabpanel"]')) return rect(100, 0, 1200, 2000);
    if (this.tagName === 'TR')
      return rect(this.textContent?.includes('Plan upgrade') ? 400 : 300, 0, 1200, 30);
    if (this.tagName === 'BUTTON' && this.textContent?.startsWith('too expensive'))
      return rect(405, 900, 120, 20);
    if (this.tagName === 'BUTTON') return rect(405, 300, 40, 20);
    return rect(0, 0, 0, 0);
  });
}

const drawerOf = (container: HTMLElement) =>
  container.querySelector<HTMLElement>('[role="dialog"][aria-labelledby="drill-heading"]');

function upgradeRow(container: HTMLElement) {
  const table = tableByCaption(container, 'Suggested treatments');
  return [...table.querySelectorAll('tbody tr')].find((tr) =>
    tr.textContent?.includes('Plan upgrade'),
  )!;
}

describe('drill-down drawer', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    vi.restoreAllMocks();
    resetUi();
  });

  it('opens beside the clicked cell’s row, takes focus, and Escape gives focus back', async () => {
    fakeLayout();
    const view = await renderWorkspace(routes);
    cleanup = view.unmount;
    await until(() => expect(upgradeRow(view.container)).toBeDefined());
    // The "Suggested" count of Plan upgrade (third cell).
    const cell = upgradeRow(view.container).querySelectorAll('td')[2]!.querySelector('button')!;
    await act(async () => cell.click());

    const drawer = drawerOf(view.container)!;
    expect(drawer).not.toBeNull();
    expect(drawer.getAttribute('aria-modal')).toBe('false');
    expect(document.getElementById('drill-heading')!.textContent).toBe(
      'Behind: Plan upgrade: Suggested',
    );
    // Level with the row (400 px on screen, the workspace at 100), on the side away from the cell.
    expect(drawer.style.top).toBe('300px');
    expect(drawer.dataset.side).toBe('right');
    // As wide as the room right of the cell (which ends at 340 px), less a gap.
    expect(drawer.style.width).toBe('848px');
    expect(document.activeElement).toBe(drawer);

    // The decisions behind it, as text.
    await until(() => expect(drawer.querySelectorAll('tbody tr')).toHaveLength(1));
    expect(drawer.querySelector('tbody')!.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(drawer.querySelector('tbody img, tbody b')).toBeNull();
    const asked = view.requests.find((u) => u.pathname === '/v1/supervisor/decisions')!;
    expect(asked.searchParams.get('treatment')).toBe('upgrade');
    expect(asked.searchParams.get('result')).toBe('suggested');

    await act(async () => {
      drawer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(drawerOf(view.container)).toBeNull();
    expect(document.activeElement).toBe(cell);
  });

  it('docks on the left when the clicked cell is in the right half, and Close gives focus back', async () => {
    fakeLayout();
    const view = await renderWorkspace(routes);
    cleanup = view.unmount;
    await until(() => expect(upgradeRow(view.container)).toBeDefined());
    const reason = [...upgradeRow(view.container).querySelectorAll('button')].find((b) =>
      b.textContent?.startsWith('too expensive'),
    )!;
    await act(async () => reason.click());
    const drawer = drawerOf(view.container)!;
    expect(drawer.style.top).toBe('300px');
    expect(drawer.dataset.side).toBe('left');
    expect(drawer.style.width).toBe('888px');
    const close = [...drawer.querySelectorAll('button')].find((b) => b.textContent === 'Close')!;
    await act(async () => close.click());
    expect(drawerOf(view.container)).toBeNull();
    expect(document.activeElement).toBe(reason);
  });
});
