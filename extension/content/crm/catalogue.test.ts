import { describe, expect, it } from 'vitest';
import { crmCatalogue } from '../../shared/crm-catalogue.ts';
import { adaptersById, builtInAdapters } from './index.ts';
import { fixtureCases } from './fixtures.test-support.ts';

// index.ts's mapped type already refuses a missing or extra adapter at compile time; these
// pin the same at run time, plus what the types cannot see (order, copied fields).
describe('built-in adapters and the CRM catalogue', () => {
  it('has exactly one adapter per catalogue entry, in catalogue order', () => {
    expect(builtInAdapters.map((adapter) => adapter.id)).toEqual(crmCatalogue.map((c) => c.id));
    expect(Object.keys(adaptersById).sort()).toEqual(crmCatalogue.map((c) => c.id).sort());
  });

  it('lists the host-matched CRMs before the self-hosted ones matched by path', () => {
    const firstSelfHosted = crmCatalogue.findIndex((crm) => crm.selfHosted);
    expect(firstSelfHosted).toBeGreaterThan(0);
    expect(crmCatalogue.slice(firstSelfHosted).every((crm) => crm.selfHosted)).toBe(true);
    expect(
      crmCatalogue.filter((crm) => crm.selfHosted).every((crm) => !crm.matchPatterns.length),
    ).toBe(true);
  });

  it('produces refs whose crm is a catalogue id (the id the options page enables)', () => {
    const ids = new Set<string>(crmCatalogue.map((crm) => crm.id));
    for (const { expectedRef } of fixtureCases) {
      if (expectedRef) expect(ids).toContain(expectedRef.crm);
    }
  });
});
