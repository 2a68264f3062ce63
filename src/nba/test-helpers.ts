import type { CustomerFacts } from './facts.ts';
import type { EligibilityRule, Treatment } from './schemas.ts';

export const NOW = new Date('2026-11-25T12:00:00Z');

export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * 86_400_000).toISOString();
}

export function makeFacts(overrides: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    customerId: 'cust-1',
    segment: 'Loyal',
    valueTier: 'gold',
    clv: 1500,
    churnProbability: 0.2,
    churnBand: 'low',
    tenureDays: 400,
    pAlive: 0.9,
    recentContacts: [],
    attributes: {},
    treatmentHistory: {},
    ...overrides,
  };
}

export function makeTreatment(overrides: Partial<Treatment> & { id: string }): Treatment {
  return {
    kind: 'retention',
    name: `Treatment ${overrides.id}`,
    script: 'Say something helpful.',
    businessValue: 100,
    lever: 1,
    active: true,
    cooldownDays: 0,
    maxContactsPer30Days: null,
    prior: { propensity: 0.2, evidenceWeight: 10 },
    ...overrides,
  };
}

export function makeRule(
  overrides: Partial<EligibilityRule> & { id: string; treatmentId: string },
): EligibilityRule {
  return { name: `Rule ${overrides.id}`, active: true, conditions: [], ...overrides };
}
