import type { Db } from '../db/db.ts';
import { audit } from '../audit.ts';
import {
  rowSchemas,
  type ContactRow,
  type CustomerRow,
  type RowSettings,
  type TransactionRow,
} from '../import/rows.ts';
import {
  writeContacts,
  writeCustomers,
  writeIdentities,
  writeTransactions,
} from '../import/writers.ts';
import { runScoring } from '../scoring/run.ts';
import { trainDemoChurnModel } from './churn-model.ts';
import { Draw, seededRandom } from './prng.ts';
import { seedCatalogue } from '../nba/seed-catalogue.ts';
import { seedDemoDetectionCounts } from '../detection-health/demo-counts.ts';

export interface DemoSeedOptions {
  customers?: number;
  seed?: number;
  /** End of the generated history; defaults to the start of today (UTC). */
  asOf?: Date;
  settings?: RowSettings;
  /** Run a first scoring after seeding so the panel shows segment, value and churn; default true. */
  score?: boolean;
}

export interface DemoSeedResult {
  seeded: boolean;
  customers: number;
  transactions: number;
  contacts: number;
  /** Score snapshots written by the first scoring run (0 when not scored). */
  scored: number;
}

const firstNames = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'Lucas',
  'Mia',
  'Mateo',
  'Amelia',
  'Benjamin',
  'Harper',
  'Henry',
  'Evelyn',
  'Theodore',
  'Aria',
  'Jack',
  'Priya',
  'Wei',
  'Fatima',
  'Diego',
  'Aisha',
  'Kenji',
  'Ingrid',
  'Tomasz',
  'Chiara',
  'Kwame',
  'Sofia',
  'Omar',
  'Hannah',
  'Ravi',
  'Lucia',
  'Yuki',
  'Maya',
  'Samuel',
  'Grace',
  'Daniel',
];
const lastNames = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Nguyen',
  'Patel',
  'Kim',
  'Okafor',
  'Novak',
  'Rossi',
  'Schmidt',
  'Haddad',
  'Tanaka',
  'Silva',
  'Kowalski',
  'Mensah',
  'Larsen',
  'Cohen',
  'Murphy',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
];
const areaCodes = [
  '201',
  '202',
  '212',
  '213',
  '305',
  '312',
  '404',
  '415',
  '503',
  '512',
  '602',
  '617',
  '646',
  '702',
  '713',
  '718',
  '773',
  '804',
  '917',
  '971',
];
const regions = [
  ['north', 3],
  ['south', 3],
  ['east', 2],
  ['west', 2],
] as const;
const plans = [
  ['basic', 5],
  ['standard', 3],
  ['premium', 2],
] as const;
const contracts = [
  ['month-to-month', 5],
  ['one-year', 3],
  ['two-year', 2],
] as const;
type DemoContract = (typeof contracts)[number][0];
const contractDropout: Record<DemoContract, number> = {
  'month-to-month': 1.4,
  'one-year': 0.8,
  'two-year': 0.5,
};
const channels = [
  ['phone', 45],
  ['chat', 30],
  ['email', 20],
  ['social', 5],
] as const;
const reasons = [
  ['billing question', 25],
  ['technical issue', 22],
  ['delivery', 14],
  ['upgrade inquiry', 10],
  ['account access', 10],
  ['complaint', 10],
  ['cancellation request', 9],
] as const;
const teams = {
  Support: ['Grace Hopper', 'Linus Torvalds', 'Ada Byron'],
  Retention: ['Katherine Johnson', 'Alan Kay'],
  Sales: ['Margaret Hamilton', 'Dennis Ritchie', 'Barbara Liskov'],
} as const;
const weekMs = 7 * 86_400_000;

/** The ids of the two customers who share a household phone, for the "several match" demo. */
export const sharedPhoneCustomers = ['CUST-0002', 'CUST-0003'] as const;

export function demoCustomerId(index: number): string {
  return `CUST-${String(index + 1).padStart(4, '0')}`;
}

/**
 * Generates the demo data set: customers with attributes and identities, two years of
 * purchases following a buy-till-you-die process (each customer buys at their own Poisson rate
 * until they drop out, sooner on a month-to-month contract), and contact records with channels,
 * reasons, resolution and CSAT. Then trains the churn model on that history and scores everyone.
 * Writes only into an empty database.
 */
export async function seedDemo(db: Db, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  await seedCatalogue(db);
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  if ((existing.rows[0]?.n ?? 0) > 0)
    return { seeded: false, customers: 0, transactions: 0, contacts: 0, scored: 0 };

  const count = options.customers ?? 2_000;
  const draw = new Draw(seededRandom(options.seed ?? 20_240_601));
  const asOf = options.asOf ?? new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const start = asOf.getTime() - 104 * weekMs;
  const schemas = rowSchemas(options.settings ?? { phoneRegion: 'US', defaultCurrency: 'USD' });
  const agents = Object.entries(teams).flatMap(([team, names]) =>
    names.map((name) => ({ name, team })),
  );

  const customers: CustomerRow[] = [];
  const transactions: TransactionRow[] = [];
  const contacts: ContactRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const customerId = demoCustomerId(i);
    const first = draw.pick(firstNames);
    const last = draw.pick(lastNames);
    const sharedIndex = sharedPhoneCustomers.indexOf(
      customerId as (typeof sharedPhoneCustomers)[number],
    );
    const phoneIndex = sharedIndex >= 0 ? 1 : i;
    const phone = `(${areaCodes[phoneIndex % areaCodes.length]}) 555-01${String(Math.floor(phoneIndex / areaCodes.length) % 100).padStart(2, '0')}`;
    // Customers joined over the two years, more of them early on.
    const joinedAt = start + Math.pow(draw.next(), 1.6) * 100 * weekMs;
    customers.push(
      schemas.customers.parse({
        customer_id: customerId,
        name: `${first} ${last}`,
        email: `${first}.${last}${i + 1}@example.com`.toLowerCase(),
        phone,
        since: new Date(joinedAt).toISOString().slice(0, 10),
        region: draw.weighted(regions),
        plan: draw.weighted(plans),
        contract: draw.weighted(contracts),
        paperless_billing: draw.next() < 0.6 ? 'yes' : 'no',
      }),
    );

    const weeklyRate = draw.gamma(0.6, 0.25);
    // Month-to-month customers walk away more readily than those on a one- or two-year contract.
    const contract = customers[customers.length - 1]!.attributes.contract as DemoContract;
    const dropoutPerPurchase = draw.beta(0.8, 2.5) * contractDropout[contract];
    const medianSpend = draw.logNormal(45, 0.5);
    let time = joinedAt + draw.exponential(Math.max(weeklyRate, 0.01)) * weekMs * 0.2;
    let order = 0;
    while (time < asOf.getTime()) {
      order += 1;
      transactions.push(
        schemas.transactions.parse({
          customer_id: customerId,
          order_id: `${customerId}-O${order}`,
          occurred_at: new Date(time).toISOString(),
          amount: Math.max(3, draw.logNormal(medianSpend, 0.35)).toFixed(2),
        }),
      );
      if (draw.next() < dropoutPerPurchase) break;
      time += draw.exponential(Math.max(weeklyRate, 0.005)) * weekMs;
    }

    const contactCount = draw.poisson(1.3 + Math.min(order, 10) * 0.08);
    for (let c = 0; c < contactCount; c += 1) {
      const startedAt = joinedAt + draw.next() * (asOf.getTime() - joinedAt);
      const channel = draw.weighted(channels);
      const reason = draw.weighted(reasons);
      const agent = draw.pick(agents);
      const resolved = draw.next() < (reason === 'complaint' ? 0.5 : 0.74);
      const surveyed = draw.next() < 0.55;
      const satisfied = resolved ? 0.82 : 0.4;
      const csat = surveyed
        ? draw.next() < satisfied
          ? draw.weighted([
              [5, 6],
              [4, 4],
            ] as const)
          : draw.weighted([
              [1, 2],
              [2, 3],
              [3, 4],
            ] as const)
        : undefined;
      const minutes =
        channel === 'email' ? 0 : Math.max(1, draw.logNormal(channel === 'phone' ? 7 : 12, 0.6));
      contacts.push(
        schemas.contacts.parse({
          contact_id: `CT-${String(contacts.length + 1).padStart(6, '0')}`,
          customer_id: customerId,
          started_at: new Date(startedAt).toISOString(),
          ended_at: minutes ? new Date(startedAt + minutes * 60_000).toISOString() : undefined,
          channel,
          agent: agent.name,
          team: agent.team,
          reason,
          resolved_first_contact: resolved ? 'true' : 'false',
          csat,
        }),
      );
    }
  }
  const recordIdentities = customers.map((customer) => ({
    customerId: customer.customerId,
    kind: 'record' as const,
    crm: 'demo',
    objectType: 'customer',
    value: customer.customerId,
  }));

  await db.transaction(async (tx) => {
    const batches = async <T>(rows: T[], write: (batch: T[]) => Promise<unknown>) => {
      for (let offset = 0; offset < rows.length; offset += 2_000) {
        await write(rows.slice(offset, offset + 2_000));
      }
    };
    await batches(customers, (batch) => writeCustomers(tx, batch));
    await batches(recordIdentities, (batch) => writeIdentities(tx, batch));
    await batches(transactions, (batch) => writeTransactions(tx, batch));
    await batches(contacts, (batch) => writeContacts(tx, batch));
    // Its own generator, so the customers and contacts stay the same as before it was added.
    await seedDemoDetectionCounts(tx, { agents, asOf, seed: (options.seed ?? 20_240_601) + 1 });
    await audit(tx, {
      actor: 'loopdesk-demo',
      action: 'demo.seed',
      details: {
        customers: customers.length,
        transactions: transactions.length,
        contacts: contacts.length,
      },
    });
  });
  // Trained before the first scoring so churn comes from the model, with its reasons.
  await trainDemoChurnModel(db, customers, transactions, asOf);
  const scored =
    options.score === false
      ? 0
      : (
          await runScoring(db, {
            asOf: asOf.toISOString().slice(0, 10),
            currency: options.settings?.defaultCurrency,
            actor: 'loopdesk-demo',
          })
        ).snapshots;
  return {
    seeded: true,
    customers: customers.length,
    transactions: transactions.length,
    contacts: contacts.length,
    scored,
  };
}
