// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kpiNames } from '../../src/contract/supervisor.ts';
import { kpiToCompare } from './KpisTab.tsx';
import {
  choose,
  headers,
  kpiReport,
  kpiRow,
  renderWorkspace,
  resetUi,
  tab,
  tableByCaption,
  until,
  type Routes,
} from './test-support.tsx';

const agents = [
  'Grace Hopper',
  'Ada Lovelace',
  'Alan Turing',
  'Edsger Dijkstra',
  'Barbara Liskov',
  'Donald Knuth',
  'Margaret Hamilton',
  'Ken Thompson',
];

// Nobody was offered anything (no offer rate); every agent resolved contacts, half were rated.
const byAgent = agents.map((agent, i) =>
  kpiRow(agent, { firstContactResolution: 0.5 + i / 20, csat: i % 2 ? 0.8 : undefined }),
);
const routes: Routes = {
  '/v1/kpis': (url) => {
    const groupBy = url.searchParams.get('groupBy');
    if (groupBy === 'agent') return kpiReport(byAgent, 'agent');
    if (groupBy === 'week')
      return kpiReport([kpiRow('2026-11-23', { firstContactResolution: 0.6 })], 'week');
    if (groupBy === 'channel')
      return kpiReport(
        [kpiRow('chat', { csat: 0.7 }), kpiRow('phone', { csat: 0.9 }), kpiRow(null, {})],
        'channel',
      );
    return kpiReport([], groupBy as 'team' | 'segment' | null);
  },
};

function compareSelect(container: HTMLElement) {
  const label = [...container.querySelectorAll('figcaption label')].find((l) =>
    l.textContent?.startsWith('Compare'),
  )!;
  return label.querySelector('select')!;
}

describe('KPIs tab', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    vi.restoreAllMocks();
    resetUi();
  });

  it('compares on the KPI most groups have a value for, offer rate on a tie', () => {
    expect(kpiToCompare(byAgent)).toBe('firstContactResolution');
    expect(kpiToCompare([kpiRow('a', { offerRate: 0.3, csat: 0.9 })])).toBe('offerRate');
    expect(
      kpiToCompare([kpiRow('a', { offerRate: 0.3, csat: 0.9 }), kpiRow('b', { csat: 0.5 })]),
    ).toBe('csat');
    expect(kpiToCompare([kpiRow('a', { uplift: 0.02 })])).toBe('uplift');
    expect(kpiToCompare([kpiRow('a', {})])).toBeNull();
  });

  it('opens Compare on a KPI with data, labels every agent, and fits KPI and n in one column', async () => {
    // happy-dom lays nothing out: give the charts' containers a size so recharts draws.
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue({
      top: 0,
      left: 0,
      width: 800,
      height: 400,
      bottom: 400,
      right: 800,
      x: 0,
      y: 0,
    } as DOMRect);
    const view = await renderWorkspace(routes);
    cleanup = view.unmount;
    await until(() => tab(view.container, 'KPIs'));
    await act(async () => tab(view.container, 'KPIs').click());
    await until(() => tableByCaption(view.container, /^KPIs by agent/));

    const select = compareSelect(view.container);
    expect(select.value).toBe('firstContactResolution');
    const offerRate = [...select.options].find((o) => o.value === 'offerRate')!;
    expect(offerRate.textContent).toBe('offerRate label (no data)');

    // Recharts draws the axes' ticks in its own layers: the names are the ticks that are not numbers.
    const compare = view.container.querySelectorAll('.charts figure')[1]!;
    await until(() =>
      expect(
        [...compare.querySelectorAll('.recharts-cartesian-axis-tick-value')]
          .map(
            // Recharts wraps a long name over lines, one tspan each.
            (t) => [...t.querySelectorAll('tspan')].map((line) => line.textContent).join(' '),
          )
          .filter((label) => !/^[\d.]+$/.test(label)),
      ).toEqual(agents),
    );
    // Every agent has a first-contact resolution: one bar each.
    expect(compare.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(8);

    // The supervisor's own choice sticks, data or not.
    await choose(select, 'offerRate');
    expect(compareSelect(view.container).value).toBe('offerRate');
    await until(() => expect(compare.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(0));

    // One column per KPI (its n beside the value), so the week table is not 17 columns wide.
    const weeks = tableByCaption(view.container, 'KPIs by week');
    expect(headers(weeks)).toEqual(['week', ...kpiNames.map((name) => `${name} label`)]);
    expect(weeks.querySelector('tbody tr')!.textContent).toContain('60.0% n=10');
  });

  it('compares channels (chat beside phone) without a drill-down a channel cannot filter', async () => {
    const view = await renderWorkspace(routes);
    cleanup = view.unmount;
    await until(() => tab(view.container, 'KPIs'));
    await act(async () => tab(view.container, 'KPIs').click());
    await until(() => tableByCaption(view.container, /^KPIs by agent/));
    const across = [...view.container.querySelectorAll('figcaption label')]
      .find((l) => l.textContent?.startsWith('across'))!
      .querySelector('select')!;
    await choose(across, 'channel');
    const table = await (async () => {
      let found: HTMLTableElement | undefined;
      await until(() => {
        found = tableByCaption(view.container, /^KPIs by channel/) as HTMLTableElement;
      });
      return found!;
    })();
    const firstCells = [...table.querySelectorAll('tbody tr')].map((row) =>
      row.querySelector('td, th')!,
    );
    expect(firstCells.map((cell) => cell.textContent)).toEqual(['chat', 'phone', 'record page']);
    expect(table.querySelectorAll('tbody button')).toHaveLength(0);
  });
});
