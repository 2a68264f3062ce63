// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogueTreatment, TreatmentReview } from '../../src/contract/supervisor.ts';
import { headers, renderWorkspace, resetUi, tableByCaption, type, until } from './test-support.tsx';

const review: TreatmentReview = { from: '2026-09-05', to: '2026-12-04', definitions: {}, rows: [] };
const catalogue: CatalogueTreatment[] = [
  {
    id: 'loyalty',
    name: 'Loyalty <i>discount</i>',
    kind: 'retention',
    active: true,
    prior: { propensity: 0.2, evidenceWeight: 10 },
    version: 3,
  },
];

describe('treatment review', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    resetUi();
  });

  it('says what the prior columns mean and saves both from one form', async () => {
    const patches: unknown[] = [];
    const view = await renderWorkspace({
      '/v1/supervisor/treatments': () => review,
      '/v1/treatments': () => catalogue,
      '/v1/treatments/loyalty': (_url, init) => {
        patches.push({ method: init?.method, body: JSON.parse(String(init?.body)) });
        return catalogue[0];
      },
      '/v1/rules': () => [],
    });
    cleanup = view.unmount;
    await until(() =>
      expect(
        tableByCaption(view.container, 'Suggested treatments').querySelector('tbody input'),
      ).not.toBeNull(),
    );
    const table = tableByCaption(view.container, 'Suggested treatments');
    expect(headers(table)).toContain('Prior acceptance rate');
    expect(headers(table)).toContain('Prior weight (equivalent offers)');
    const described = [...table.querySelectorAll('thead th')].filter((th) =>
      th.textContent?.startsWith('Prior'),
    );
    expect(described.map((th) => th.querySelector('.col-desc')?.textContent)).toEqual([
      'assumed before any outcomes (0–1)',
      'recorded offers the prior counts as',
    ]);
    expect(described.every((th) => (th.getAttribute('title') ?? '').length > 20)).toBe(true);
    expect(table.querySelector('tbody i')).toBeNull();

    // Both inputs belong to the treatment's form, though they sit in two cells.
    const rate = table.querySelector<HTMLInputElement>(
      'input[aria-label="Prior acceptance rate of Loyalty <i>discount</i>"]',
    )!;
    const weight = table.querySelector<HTMLInputElement>(
      'input[aria-label="Prior weight of Loyalty <i>discount</i>"]',
    )!;
    expect(rate.value).toBe('0.2');
    expect(weight.value).toBe('10');
    expect(rate.getAttribute('form')).toBe(weight.closest('form')!.id);
    // happy-dom checks step=0.01 with a floating-point remainder that fractions fail (browsers do not).
    rate.setAttribute('step', 'any');
    await type(rate, '0.35');
    const save = weight.closest('form')!.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    await act(async () => save.click());
    await until(() => expect(patches).toHaveLength(1));
    expect(patches[0]).toEqual({
      method: 'PATCH',
      body: { prior: { propensity: 0.35, evidenceWeight: 10 } },
    });
  });
});
