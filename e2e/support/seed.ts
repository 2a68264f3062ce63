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
 * Customers and identities matching e2e/fixtures/crm/customers.json (https fixtures only:
 * they are served at their real origins), plus an ambiguous pair and the SPA target.
 * Phones stay out of the CSV: the page's phone only widens the lookup.
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
      customers.push([customerId, name, ref.email ?? '']);
      if (ref.email) byEmail.set(ref.email, customerId);
    }
    if (ref.recordId)
      identities.push([customerId, 'record', ref.recordId, ref.crm ?? '', ref.objectType ?? '']);
    byFixture.set(fixture.fixture, {
      customerId,
      name: existing ? (customers.find((c) => c[0] === existing)?.[1] ?? name) : name,
      fixture: fixture.fixture,
    });
  }
  const ambiguous = fixtures.find((f) => f.fixture === ambiguousFixture)?.expectedRef;
  customers.push(['E2E-AMB-1', 'Robin Twin', 'robin.twin@example.com']);
  customers.push(['E2E-AMB-2', 'Robin Twine', 'robin.twine@example.com']);
  identities.push([
    'E2E-AMB-1',
    'record',
    ambiguous?.recordId ?? '',
    ambiguous?.crm ?? '',
    ambiguous?.objectType ?? '',
  ]);
  identities.push([
    'E2E-AMB-2',
    'record',
    ambiguous?.recordId ?? '',
    ambiguous?.crm ?? '',
    ambiguous?.objectType ?? '',
  ]);
  customers.push(['E2E-SPA', spaTarget.name, spaTarget.email]);
  identities.push(['E2E-SPA', 'record', spaTarget.recordId, 'salesforce', 'Contact']);

  await backend.importCsv('customers', 'customer_id,name,email', customers);
  await backend.importCsv('identities', 'customer_id,kind,value,crm,object_type', identities);
  return byFixture;
}
