import type { Backend } from './backend.ts';
import type { CrmFixture } from './extension.ts';

/** Fixtures the seed leaves unmatched or doubly matched, to show those panel states. */
export const unknownFixture = 'dynamics.contact.html';
export const ambiguousFixture = 'hubspot.contact.html';
/** A second Salesforce contact, reached by SPA navigation from salesforce.contact.html. */
export const spaTarget = {
  recordId: '003Dn00000QXbZ2IAL',
  name: 'Second Contact',
  email: 'second.contact@example.com',
};

export interface SeededCustomer {
  customerId: string;
  name: string;
  fixture: string;
}

/**
 * Customers and identities matching e2e/fixtures/crm/*.cases.json (https fixtures only:
 * they are served at their real origins), plus an ambiguous pair and the SPA target.
 * Phones stay out of the CSV (the page's phone only widens the lookup), except for a page that
 * names its customer by phone alone.
 */
export async function seedFromFixtures(
  backend: Backend,
  fixtures: CrmFixture[],
): Promise<Map<string, SeededCustomer>> {
  const byFixture = new Map<string, SeededCustomer>();
  const customers: string[][] = [];
  const identities: string[][] = [];
  const byEmail = new Map<string, string>();
  let n = 0;
  for (const fixture of fixtures) {
    const ref = fixture.expectedRef;
    if (!ref || !fixture.url.startsWith('https://')) continue;
    if (fixture.fixture === unknownFixture || fixture.fixture === ambiguousFixture) continue;
    const existing = ref.email ? byEmail.get(ref.email) : undefined;
    const customerId = existing ?? `E2E-${String(++n).padStart(3, '0')}`;
    const name = ref.displayName ?? `E2E Customer ${n}`;
    if (!existing) {
      // A page that names its customer by phone alone (a chat visitor) needs the phone stored.
      const phoneOnly = ref.phone && !ref.email && !ref.id ? ref.phone : '';
      customers.push([customerId, name, ref.email ?? '', phoneOnly, nbaTarget.plan]);
      if (ref.email) byEmail.set(ref.email, customerId);
    }
    if (ref.id) identities.push([customerId, 'record', ref.id, ref.crm ?? '', ref.type ?? '']);
    byFixture.set(fixture.fixture, {
      customerId,
      name: existing ? (customers.find((c) => c[0] === existing)?.[1] ?? name) : name,
      fixture: fixture.fixture,
    });
  }
  const ambiguous = fixtures.find((f) => f.fixture === ambiguousFixture)?.expectedRef;
  customers.push(['E2E-AMB-1', 'Robin Twin', 'robin.twin@example.com', '', '']);
  customers.push(['E2E-AMB-2', 'Robin Twine', 'robin.twine@example.com', '', '']);
  // The ambiguous pair shares one record of the ambiguous fixture, when it is among these pages.
  if (ambiguous?.id) {
    for (const customerId of ['E2E-AMB-1', 'E2E-AMB-2']) {
      identities.push([
        customerId,
        'record',
        ambiguous.id,
        ambiguous.crm ?? '',
        ambiguous.type ?? '',
      ]);
    }
  }
  customers.push(['E2E-SPA', spaTarget.name, spaTarget.email, '', '']);
  identities.push(['E2E-SPA', 'record', spaTarget.recordId, 'salesforce', 'Contact']);

  await backend.importCsv('customers', 'customer_id,name,email,phone,plan', customers);
  await backend.importCsv('identities', 'customer_id,kind,value,crm,object_type', identities);
  return byFixture;
}

/** The e2e's own next-best-action: offered to every fixture customer on the basic plan. */
export const nbaTarget = {
  plan: 'basic',
  treatmentId: 'e2e-premium-upgrade',
  treatmentName: 'Premium plan upgrade',
  ruleName: 'On the basic plan',
  /** The engine's reason line names the matched condition and the expected acceptance. */
  reason: /plan: basic: about \d+% expected to accept/,
};

/**
 * Stores one treatment and its eligibility rule through the admin API (PUT, as an admin would),
 * with no control group so every decision shows its suggestion.
 */
export async function seedNextBestActions(backend: Backend): Promise<void> {
  await backend.admin('PUT', `/v1/treatments/${nbaTarget.treatmentId}`, {
    id: nbaTarget.treatmentId,
    kind: 'up-sell',
    name: nbaTarget.treatmentName,
    script: 'You use the basic plan a lot; premium adds priority support for a small step up.',
    businessValue: 300,
    lever: 1,
    active: true,
    cooldownDays: 0,
    maxContactsPer30Days: null,
    prior: { propensity: 0.3, evidenceWeight: 10 },
  });
  await backend.admin('PUT', '/v1/rules/e2e-basic-plan', {
    id: 'e2e-basic-plan',
    treatmentId: nbaTarget.treatmentId,
    name: nbaTarget.ruleName,
    active: true,
    conditions: [{ field: 'attribute', name: 'plan', equals: nbaTarget.plan }],
  });
  await backend.admin('PUT', '/v1/settings/nba', { controlShare: 0 });
}
