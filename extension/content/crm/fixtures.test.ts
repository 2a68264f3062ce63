// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { builtInAdapters } from './index.ts';
import { detectCustomer } from '../detector.ts';
import { fixtureCases, loadFixture } from './fixtures.test-support.ts';

describe('built-in adapters against the recorded CRM pages', () => {
  it('has a fixture for every built-in adapter', () => {
    const covered = new Set(fixtureCases.map((c) => c.expectedRef?.crm));
    for (const adapter of builtInAdapters) expect(covered).toContain(adapter.id);
  });

  for (const { fixture, url, expectedRef } of fixtureCases) {
    it(`${fixture} at ${url}`, () => {
      const doc = loadFixture(fixture);
      expect(detectCustomer(builtInAdapters, new URL(url), doc)).toEqual(expectedRef);
    });

    if (expectedRef) {
      it(`${fixture} is claimed by the ${expectedRef.crm} adapter alone among host-matched ones`, () => {
        const parsed = new URL(url);
        const claimants = builtInAdapters.filter((a) => a.matches(parsed)).map((a) => a.id);
        expect(claimants[0]).toBe(expectedRef.crm);
        expect(claimants.filter((id) => id !== 'rt' && id !== 'demo').length).toBeLessThanOrEqual(
          1,
        );
      });
    }
  }

  it('reads the shadow DOM the fixtures declare (guards the loader itself)', () => {
    const doc = loadFixture('salesforce.console-case.html');
    const field = doc.querySelector(
      '.oneWorkspace.active [data-target-selection-name="sfdc:RecordField.Case.ContactId"]',
    );
    expect(field?.shadowRoot).toBeTruthy();
    expect(field?.textContent?.trim()).toBe('');
  });
});
