// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { lastDays, presetOf, useWorkspaceUi } from './ui-store.ts';
import { choose, renderWorkspace, resetUi, until } from './test-support.tsx';

const periodMenu = (container: HTMLElement) =>
  container.querySelector<HTMLSelectElement>('select[aria-label="Period preset"]')!;
const shown = (select: HTMLSelectElement) => select.options[select.selectedIndex]?.textContent;

describe('period menu', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    act(() => useWorkspaceUi.setState(lastDays(90)));
    resetUi();
  });

  it('knows a preset from the dates it sets', () => {
    const now = Date.parse('2026-12-03T07:00:00Z');
    const { from, to } = lastDays(30, now);
    expect(presetOf(from, to, now)).toBe(30);
    expect(presetOf('2026-11-01', to, now)).toBeNull();
  });

  it('shows the period that is applied: 90 days at first, then what was chosen or typed', async () => {
    const view = await renderWorkspace({});
    cleanup = view.unmount;
    await until(() => expect(periodMenu(view.container)).not.toBeNull());
    const menu = periodMenu(view.container);
    expect(shown(menu)).toBe('Last 90 days');
    expect([...menu.options].map((o) => o.textContent)).not.toContain('Custom range');

    await choose(menu, '30');
    expect(shown(periodMenu(view.container))).toBe('Last 30 days');
    expect(useWorkspaceUi.getState()).toMatchObject(lastDays(30));

    // A start date typed by hand is no preset.
    act(() => useWorkspaceUi.getState().setPeriod('2026-01-01', useWorkspaceUi.getState().to));
    expect(shown(periodMenu(view.container))).toBe('Custom range');
  });
});
