// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoachingReport } from '../../src/contract/supervisor.ts';
import { headers, renderWorkspace, resetUi, tab, tableByCaption, until } from './test-support.tsx';

const report: CoachingReport = {
  from: '2026-09-05',
  to: '2026-12-04',
  minCount: 20,
  margin: 0.1,
  agents: [
    {
      agent: 'Grace Hopper',
      team: 'Support',
      cues: [
        {
          agent: 'Grace Hopper',
          team: 'Support',
          segment: null,
          metric: 'offerRate',
          agentRate: 0.3,
          teamRate: 0.5,
          gap: 0.2,
          count: 40,
        },
      ],
      mostSkipped: [],
      notes: [],
    },
  ],
};

describe('coaching tab', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    resetUi();
  });

  it('names every column once and labels the note form’s fields', async () => {
    const view = await renderWorkspace({ '/v1/supervisor/coaching': () => report });
    cleanup = view.unmount;
    await until(() => tab(view.container, 'Coaching'));
    await act(async () => tab(view.container, 'Coaching').click());
    await until(() => tableByCaption(view.container, 'Where an agent falls short of their team'));
    const cues = headers(
      tableByCaption(view.container, 'Where an agent falls short of their team'),
    );
    expect(new Set(cues).size).toBe(cues.length);
    expect(cues).toEqual([
      'Agent',
      'Team',
      'Segment',
      'Metric',
      "Agent's rate",
      "Team's rate",
      'Gap',
      'Count behind it',
    ]);

    const form = view.container.querySelector('form[aria-label="Coaching note"]')!;
    const fields = [...form.querySelectorAll('label.field')].map((label) => ({
      text: label.querySelector('span')?.textContent,
      control: label.querySelector('select, textarea')?.tagName,
    }));
    expect(fields).toEqual([
      { text: 'Agent', control: 'SELECT' },
      { text: 'Note', control: 'TEXTAREA' },
    ]);
    // The button sits in its own row, not stretched across the form.
    expect(form.querySelector('.form-actions > button[type="submit"]')!.textContent).toBe(
      'Save note',
    );
  });
});
