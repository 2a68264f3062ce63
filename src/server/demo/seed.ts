import type { Db } from '../db/db.ts';
import { audit } from '../audit/store.ts';
import {
  rowSchemas,
  type ContactRow,
  type RowSettings,
  type TransactionRow,
} from '../imports/rows.ts';
import {
  writeContacts,
  writeCustomers,
  writeIdentities,
  writeTransactions,
} from '../imports/writers.ts';
import { runScoring } from '../scoring/run.ts';
import {
  billingDays,
  drawSubscription,
  extras,
  monthlyCharge,
  topUps,
  naturalCancellation,
  type DemoCustomer,
} from './business.ts';
import { trainDemoChurnModel } from './churn-model.ts';
import { seededRng } from '../../nba/index.ts';
import { Draw } from './prng.ts';
import { seedTeamWork, teamWorkWeeks } from './team-work.ts';
import { seedCatalogue } from '../nba/seed-catalogue.ts';
import { seedDemoDetectionCounts } from './detection-counts.ts';

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
  /** Score snapshots written by the last scoring run (0 when not scored). */
  scored: number;
  /** The demo team's decisions and outcomes over the last weeks (team-work.ts). */
  decisions: number;
  outcomes: number;
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
const channels = [
  ['phone', 45],
  ['chat', 30],
  ['email', 20],
  ['social', 5],
] as const;
/** The helpdesk's contact reasons: the codes the catalogue's rules count (and sales calls). */
const reasons = [
  ['billing', 30],
  ['technical', 25],
  ['outage', 10],
  ['complaint', 10],
  ['sales', 12],
] as const;
type Reason = (typeof reasons)[number][0] | 'cancellation';
const teams = {
  Support: ['Grace Hopper', 'Linus Torvalds', 'Ada Byron'],
  Retention: ['Katherine Johnson', 'Alan Kay'],
  Sales: ['Margaret Hamilton', 'Dennis Ritchie', 'Barbara Liskov'],
} as const;
type Team = keyof typeof teams;
/** Which team takes a contact, by its reason. */
const teamsByReason: Record<Reason, readonly (readonly [Team, number])[]> = {
  billing: [
    ['Support', 85],
    ['Sales', 15],
  ],
  technical: [['Support', 1]],
  outage: [['Support', 1]],
  complaint: [
    ['Support', 60],
    ['Retention', 40],
  ],
  sales: [['Sales', 1]],
  cancellation: [['Retention', 1]],
};
/** Agents whose first-contact resolution lags their team's (a coaching cue). */
const firstContactResolution: Record<string, number> = { 'Ada Byron': 0.45 };
const weekMs = 7 * 86_400_000;
/** The value models learn from a sample this big: enough for the demo, and quick to fit twice. */
const fitSampleSize = 1_000;
/** Contacts per customer and month while they are a customer. */
const monthlyContactRate = 0.2;

/** The ids of the two customers who share a household phone, for the "several match" demo. */
export const sharedPhoneCustomers = ['CUST-0002', 'CUST-0003'] as const;

export function demoCustomerId(index: number): string {
  return `CUST-${String(index + 1).padStart(4, '0')}`;
}

/** The monthly bills and one-off purchases of a customer in [from, to). */
function customerTransactions(
  customer: DemoCustomer,
  from: number,
  to: number,
  parse: (row: Record<string, unknown>) => TransactionRow,
  draw: Draw,
): TransactionRow[] {
  const rows: TransactionRow[] = [];
  const customerId = customer.row.customerId;
  const listPrice = monthlyCharge(customer.subscription);
  const end = Math.min(customer.cancelAt, to);
  // The first bill on joining, then one on the first of every month.
  for (const at of [customer.joinedAt, ...billingDays(customer.joinedAt, end)]) {
    if (at < from || at >= end) continue;
    const changes = customer.billChanges
      .filter((change) => change.from <= at && at < change.until)
      .reduce((sum, change) => sum + change.amount, 0);
    rows.push(
      parse({
        customer_id: customerId,
        order_id: `${customerId}-B${new Date(at).toISOString().slice(0, 10)}`,
        occurred_at: new Date(at).toISOString(),
        amount: Math.max(5, draw.logNormal(listPrice * customer.usage, 0.08) + changes).toFixed(2),
      }),
    );
  }
  customer.purchases.forEach((purchase, index) => {
    if (purchase.at < from || purchase.at >= Math.min(to, customer.cancelAt)) return;
    rows.push(
      parse({
        customer_id: customerId,
        order_id: `${customerId}-P${index + 1}`,
        occurred_at: new Date(purchase.at).toISOString(),
        amount: purchase.amount.toFixed(2),
      }),
    );
  });
  return rows;
}

/**
 * Generates the demo business (business.ts): customers of a broadband and phone provider with
 * what they subscribe to, two years of monthly bills and equipment purchases until they cancel
 * (more readily on a month-to-month contract, on fibre without security or support, paying by
 * electronic check), and contacts with channels, reasons, resolution and CSAT. Trains the churn
 * model on the history before the last 17 weeks, scores everyone as of then, and replays those
 * 17 weeks of the demo team's work through the real engine (team-work.ts): decisions, outcomes,
 * and what the customers did after. Then scores everyone as of the as-of day. Writes only into
 * an empty database.
 */
export async function seedDemo(db: Db, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  await seedCatalogue(db);
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  if ((existing.rows[0]?.n ?? 0) > 0) {
    return {
      seeded: false,
      customers: 0,
      transactions: 0,
      contacts: 0,
      scored: 0,
      decisions: 0,
      outcomes: 0,
    };
  }

  const count = options.customers ?? 2_000;
  const seed = options.seed ?? 20_240_601;
  const draw = new Draw(seededRng(seed));
  const asOf = options.asOf ?? new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const end = asOf.getTime();
  const start = end - 104 * weekMs;
  const workFrom = end - teamWorkWeeks * weekMs;
  const schemas = rowSchemas(options.settings ?? { phoneRegion: 'US', defaultCurrency: 'USD' });
  const agents = Object.entries(teams).flatMap(([team, names]) =>
    names.map((name) => ({ name, team })),
  );
  const agentsOf = (team: Team) => agents.filter((agent) => agent.team === team);

  const customers: DemoCustomer[] = [];
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
    const subscription = drawSubscription(draw);
    const row = schemas.customers.parse({
      customer_id: customerId,
      name: `${first} ${last}`,
      email: `${first}.${last}${i + 1}@example.com`.toLowerCase(),
      phone,
      since: new Date(joinedAt).toISOString().slice(0, 10),
      region: draw.weighted(regions),
      ...subscription,
      MonthlyCharges: monthlyCharge(subscription).toFixed(2),
    });
    const customer: DemoCustomer = {
      row,
      subscription,
      joinedAt,
      cancelAt: naturalCancellation(draw, subscription, joinedAt, end),
      usage: draw.logNormal(1.03, 0.04),
      billChanges: [],
      purchases: [],
    };
    customers.push(customer);

    const activeUntil = Math.min(customer.cancelAt, end);
    const months = (activeUntil - joinedAt) / (30.44 * 86_400_000);
    for (let p = draw.poisson(months * 0.04); p > 0; p -= 1) {
      const [, price] = draw.pick(extras);
      customer.purchases.push({
        at: joinedAt + draw.next() * (activeUntil - joinedAt),
        amount: price,
      });
    }
    // Prepaid mobile top-ups, each customer at their own pace (many never).
    const topUpsPerWeek = draw.gamma(0.5, 0.2);
    for (
      let at = joinedAt + draw.exponential(Math.max(topUpsPerWeek, 0.001)) * weekMs;
      at < activeUntil;
      at += draw.exponential(Math.max(topUpsPerWeek, 0.001)) * weekMs
    ) {
      customer.purchases.push({ at, amount: draw.weighted(topUps) });
    }

    const contactTimes: [number, Reason][] = [];
    const rate = monthlyContactRate * (subscription.InternetService === 'Fiber optic' ? 1.3 : 1);
    for (let c = draw.poisson(months * rate); c > 0; c -= 1) {
      contactTimes.push([
        joinedAt + draw.next() * (activeUntil - joinedAt),
        draw.weighted(reasons),
      ]);
    }
    // Most who leave call to cancel first, a few days before.
    if (customer.cancelAt < end && draw.next() < 0.7) {
      const at = customer.cancelAt - (1 + draw.next() * 9) * 86_400_000;
      if (at > joinedAt) contactTimes.push([at, 'cancellation']);
    }
    for (const [startedAt, reason] of contactTimes) {
      const channel = reason === 'cancellation' ? 'phone' : draw.weighted(channels);
      const agent = draw.pick(agentsOf(draw.weighted(teamsByReason[reason])));
      const resolvedShare = firstContactResolution[agent.name] ?? 0.76;
      const resolved = draw.next() < (reason === 'complaint' ? resolvedShare * 0.7 : resolvedShare);
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
  const recordIdentities = customers.map(({ row }) => ({
    customerId: row.customerId,
    kind: 'record' as const,
    crm: 'demo',
    objectType: 'customer',
    value: row.customerId,
  }));
  const parseTransaction = (row: Record<string, unknown>) => schemas.transactions.parse(row);
  const earlier = customers.flatMap((customer) =>
    customerTransactions(customer, -Infinity, workFrom, parseTransaction, draw),
  );
  const before = (contact: ContactRow) => new Date(contact.startedAt).getTime() < workFrom;

  await db.transaction(async (tx) => {
    await batches(
      customers.map((customer) => customer.row),
      (batch) => writeCustomers(tx, batch),
    );
    await batches(recordIdentities, (batch) => writeIdentities(tx, batch));
    await batches(earlier, (batch) => writeTransactions(tx, batch));
    await batches(contacts.filter(before), (batch) => writeContacts(tx, batch));
    // Its own generator, so the customers and contacts stay the same as before it was added.
    await seedDemoDetectionCounts(tx, { agents, asOf, seed: seed + 1 });
  });
  // The model the team worked with: trained on the history up to the start of their work, and
  // scored with before it, so their decisions read the scores they would have seen.
  const cancelAt = new Map(
    customers.map((customer) => [customer.row.customerId, customer.cancelAt]),
  );
  await trainDemoChurnModel(
    db,
    customers.map((customer) => customer.row),
    earlier,
    new Date(workFrom),
    (customerId, at) => (cancelAt.get(customerId) ?? Infinity) < at.getTime(),
  );
  if (options.score !== false) {
    await runScoring(db, {
      asOf: new Date(workFrom - 86_400_000).toISOString().slice(0, 10),
      currency: options.settings?.defaultCurrency,
      actor: 'loopdesk-demo',
      fitSampleSize,
    });
    await db.query('UPDATE score_snapshots SET computed_at = $1', [new Date(workFrom)]);
  }

  const work = await seedTeamWork(db, {
    customers,
    contacts: contacts.filter((contact) => !before(contact)),
    from: workFrom,
    to: end,
    seed: seed + 2,
    phoneRegion: options.settings?.phoneRegion ?? 'US',
  });
  const later = customers.flatMap((customer) =>
    customerTransactions(customer, workFrom, end + 1, parseTransaction, draw),
  );
  await db.transaction(async (tx) => {
    await batches(later, (batch) => writeTransactions(tx, batch));
    await audit(tx, {
      actor: 'loopdesk-demo',
      action: 'demo.seed',
      details: {
        customers: customers.length,
        transactions: earlier.length + later.length,
        contacts: contacts.length,
        decisions: work.decisions,
        outcomes: work.outcomes,
      },
    });
  });
  const scored =
    options.score === false
      ? 0
      : (
          await runScoring(db, {
            asOf: asOf.toISOString().slice(0, 10),
            currency: options.settings?.defaultCurrency,
            actor: 'loopdesk-demo',
            fitSampleSize,
          })
        ).snapshots;
  return {
    seeded: true,
    customers: customers.length,
    transactions: earlier.length + later.length,
    contacts: contacts.length,
    scored,
    decisions: work.decisions,
    outcomes: work.outcomes,
  };
}

async function batches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += 2_000) {
    await write(rows.slice(offset, offset + 2_000));
  }
}
