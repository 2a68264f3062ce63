/**
 * KPI queries at scale on PostgreSQL: 10,000,000 contacts and 1,000,000 outcomes generated in
 * SQL in schema kpi_bench of KPI_BENCH_URL (default the local loopdesk_bench database), then
 * each KPI query timed (median of 5 runs) for a 30-day period, overall and by week, agent, team
 * and segment, then the treatment review and the coaching report. The data is kept and reused
 * while the generator version matches (KPI_BENCH_REGENERATE=1 forces a rebuild); kept data is
 * brought up to date by running the pending migrations on it (their time is printed as
 * `kpi.upgrade`). Prints `kpi.<name>[.by_<group>] median_ms=...`.
 */
import pg from 'pg';
import type { KpiGrouping } from '../src/contract/supervisor.ts';
import type { Db } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { openPostgres } from '../src/server/db/postgres.ts';
import type { PeriodFilter } from '../src/server/db/period-filters.ts';
import { shareQueries, uplift } from '../src/server/kpis/queries.ts';
import { coachingReport } from '../src/server/supervisor/coaching.ts';
import { searchNotes } from '../src/server/supervisor/notes.ts';
import { reviewTreatments } from '../src/server/supervisor/treatment-review.ts';

const url =
  process.env.KPI_BENCH_URL ?? 'postgres://loopdesk:loopdesk@127.0.0.1:5432/loopdesk_bench';
const schema = 'kpi_bench';
const generatorVersion = 'kpi-bench-3';
const customers = 1_000_000;
const contactsPerCustomer = 10;
const decisions = 700_000;
const outcomes = 1_000_000;
const runs = 5;
const groupedRuns = 3;
/** The timing stops (and says what it skipped) after this long. */
const budgetMs = Number(process.env.KPI_BENCH_BUDGET_MIN ?? 20) * 60_000;
// The data spans 2025; the timed period is its last 30 days.
const dataStart = '2025-01-01T00:00:00Z';
const period = { from: new Date('2025-12-02T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };

/** Runs one generation step unless its table already has rows (a rerun resumes). */
async function step(db: Db, label: string, sql: string, table: string): Promise<void> {
  const { rows } = await db.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${table}) AS any`,
  );
  if (rows[0]?.any) {
    console.log(`  ${label}: already there`);
    return;
  }
  const started = performance.now();
  await db.exec(sql);
  console.log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function generate(db: Db): Promise<void> {
  console.log('generating (once; kept in schema kpi_bench):');
  await step(
    db,
    'teams, agents, treatments',
    `INSERT INTO teams (name) SELECT 'Team ' || g FROM generate_series(1, 10) g;
     INSERT INTO agents (name, team_id) SELECT 'agent-' || g, 1 + g % 10 FROM generate_series(1, 200) g;
     INSERT INTO treatments (key, name, kind, business_value)
       SELECT 't' || g, 'Treatment ' || g,
         (ARRAY['retention', 'cross-sell', 'up-sell', 'service-recovery', 'education'])[1 + g % 5],
         10 * g FROM generate_series(1, 12) g;`,
    'treatments',
  );
  await step(
    db,
    `${customers} customers with scores`,
    `INSERT INTO customers (customer_id, name) SELECT 'C' || g, 'Customer ' || g FROM generate_series(1, ${customers}) g;
     INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       SELECT id,
         (ARRAY['Champions', 'Loyal', 'Potential loyalist', 'New', 'Promising', 'Need attention',
                'About to sleep', 'At risk', 'Can''t lose them', 'Hibernating', 'Lost'])[1 + id % 11],
         (ARRAY['low', 'low', 'medium', 'high'])[1 + (id / 11) % 4],
         '${dataStart}'::timestamptz
       FROM customers;`,
    'score_snapshots',
  );
  // Each customer's contacts are spaced by their own gap (1 to 60 days), so the next contact
  // is known while generating and no trigger runs per row.
  await step(
    db,
    `${customers * contactsPerCustomer} contacts`,
    `ALTER TABLE contacts DISABLE TRIGGER contacts_next_contact;
     ALTER TABLE contacts DISABLE TRIGGER contacts_customer_segment;
     DROP INDEX contacts_customer_time, contacts_agent_time, contacts_started_kpi;
     ALTER TABLE contacts DROP CONSTRAINT contacts_contact_id_key;
     INSERT INTO contacts (contact_id, customer_id, channel, started_at, agent_id, team_id, reason,
         resolved_first_contact, csat, next_contact_at, customer_segment)
       SELECT 'K' || c.id || '-' || k, c.id, (ARRAY['phone', 'chat', 'email'])[1 + (c.id + k) % 3],
         t.started, a.agent, 1 + a.agent % 10,
         (ARRAY['billing', 'outage', 'sales inquiry', 'complaint', 'account access'])[1 + (c.id * 7 + k) % 5],
         (c.id + k) % 4 <> 0,
         CASE WHEN (c.id + k) % 3 = 0 THEN 1 + (c.id * 13 + k) % 5 END,
         CASE WHEN k < ${contactsPerCustomer} THEN t.started + t.gap END, cs.segment
       FROM customers c
       LEFT JOIN customer_segments cs ON cs.customer_id = c.id
       CROSS JOIN generate_series(1, ${contactsPerCustomer}) k
       CROSS JOIN LATERAL (SELECT (1 + (c.id * 31) % 60) * interval '1 day'
                                  + ((c.id * 17) % 86400) * interval '1 second' AS gap) g
       CROSS JOIN LATERAL (SELECT '${dataStart}'::timestamptz + (c.id % 30) * interval '1 day'
                                  + (k - 1) * g.gap AS started, g.gap) t
       CROSS JOIN LATERAL (SELECT 1 + (c.id + k * 37) % 200 AS agent) a;
     ALTER TABLE contacts ADD CONSTRAINT contacts_contact_id_key UNIQUE (contact_id);
     CREATE INDEX contacts_customer_time ON contacts (customer_id, started_at DESC);
     CREATE INDEX contacts_agent_time ON contacts (agent_id, started_at);
     CREATE INDEX contacts_started_kpi ON contacts (started_at)
       INCLUDE (customer_id, agent_id, team_id, csat, resolved_first_contact, next_contact_at, reason,
         customer_segment);
     ALTER TABLE contacts ENABLE TRIGGER contacts_next_contact;
     ALTER TABLE contacts ENABLE TRIGGER contacts_customer_segment;`,
    'contacts',
  );
  await step(
    db,
    '2,000,000 transactions',
    `INSERT INTO transactions (customer_id, order_id, occurred_at, amount, currency)
       SELECT 1 + (g * 7919) % ${customers}, 'o' || g,
         '${dataStart}'::timestamptz + (g % 365) * interval '1 day' + (g % 977) * interval '1 minute',
         5 + g % 200, 'USD'
       FROM generate_series(1, 2000000::bigint) g;`,
    'transactions',
  );
  await step(
    db,
    `${decisions} decisions with their shown suggestions`,
    // The shown suggestions (and their copy of the customer's segment) are filled by trigger.
    `INSERT INTO decisions (customer_id, agent, control_group, suggestions, created_at)
       SELECT 1 + (g * 104729) % ${customers}, 'agent-' || (1 + g % 200), g % 20 = 0,
         jsonb_build_array(
           jsonb_build_object('rank', 1, 'treatmentId', 't' || (1 + g % 12)),
           jsonb_build_object('rank', 2, 'treatmentId', 't' || (1 + (g + 5) % 12)),
           jsonb_build_object('rank', 3, 'treatmentId', 't' || (1 + (g + 7) % 12))),
         '${dataStart}'::timestamptz + (g % 365) * interval '1 day' + (g % 1440) * interval '1 minute'
       FROM generate_series(1, ${decisions}::bigint) g;`,
    'decision_suggestions',
  );
  await step(
    db,
    `${outcomes} outcomes`,
    `INSERT INTO outcomes (decision_id, treatment_key, agent, result, reason, note, idempotency_key, occurred_at)
       SELECT ds.decision_id, ds.treatment_key, ds.agent,
         (ARRAY['offered', 'accepted', 'declined', 'not_offered', 'accepted'])[1 + n % 5],
         CASE WHEN n % 5 IN (2, 3) THEN (ARRAY['not_interested', 'too_expensive', 'bad_timing'])[1 + n % 3] END,
         CASE WHEN n % 50 = 0 THEN 'customer mentioned a competitor offer ' || n END,
         'bench-' || n, ds.created_at + interval '3 minutes'
       FROM (SELECT ds.*, row_number() OVER () AS n FROM decision_suggestions ds
             WHERE NOT ds.control_group LIMIT ${outcomes}) ds;`,
    'outcomes',
  );
  console.log('  vacuum analyze…');
  await db.exec('VACUUM ANALYZE');
  await db.exec('UPDATE bench_meta SET complete = true');
}

async function prepared(): Promise<Db> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const meta = await admin
    .query(`SELECT version, complete FROM ${schema}.bench_meta`)
    .then((r) => r.rows[0] as { version: string; complete: boolean } | undefined)
    .catch(() => undefined);
  const fresh = meta?.version !== generatorVersion || process.env.KPI_BENCH_REGENERATE === '1';
  if (fresh) {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
  }
  await admin.end();
  const db = await openPostgres(url, { schema, max: 2 });
  // On kept data this upgrades it in place (new tables are filled from what is there).
  const migrateStarted = performance.now();
  const applied = await migrate(db);
  if (applied.length > 0) {
    const seconds = (performance.now() - migrateStarted) / 1000;
    console.log(
      `kpi.upgrade migrations=${applied.join('+')} seconds=${seconds.toFixed(1)} on=${fresh ? 'empty' : 'kept_data'}`,
    );
    if (!fresh) {
      // Backfills rewrite rows, which clears the visibility map the index-only scans rely on;
      // autovacuum would restore it later, the bench does it now (outside the migration).
      const vacuumStarted = performance.now();
      await db.exec('VACUUM ANALYZE');
      const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
      console.log(`kpi.upgrade_vacuum seconds=${vacuumSeconds.toFixed(1)}`);
    }
  }
  if (fresh) {
    await db.exec(
      `CREATE TABLE bench_meta (version text, complete boolean NOT NULL DEFAULT false);
       INSERT INTO bench_meta (version) VALUES ('${generatorVersion}')`,
    );
  }
  if (fresh || !meta?.complete) await generate(db);
  return db;
}

async function median(fn: () => Promise<unknown>, count = runs): Promise<number> {
  await fn(); // warm the cache once; the figure is the median of the timed runs
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const db = await prepared();
try {
  const counts = await db.query<{ contacts: number; outcomes: number; in_period: number }>(
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM outcomes)::int AS outcomes,
       (SELECT count(*) FROM contacts WHERE started_at >= $1 AND started_at < $2)::int AS in_period`,
    [period.from, period.to],
  );
  const c = counts.rows[0]!;
  const jit = await db.query<{ jit: string }>('SHOW jit');
  console.log(
    `data contacts=${c.contacts} outcomes=${c.outcomes} contacts_in_period=${c.in_period} period_days=30 jit=${jit.rows[0]?.jit}`,
  );
  const groupings: (KpiGrouping | undefined)[] = [undefined, 'week', 'agent', 'team', 'segment'];
  const results: [string, number][] = [];
  const skipped: string[] = [];
  const timingStart = performance.now();
  for (const groupBy of groupings) {
    const filter: PeriodFilter = { period, teamIds: null, groupBy };
    const suffix = groupBy ? `.by_${groupBy}` : '';
    const named: [string, () => Promise<unknown>][] = [
      ...Object.entries(shareQueries).map(
        ([name, query]) => [name, () => query(db, filter)] as [string, () => Promise<unknown>],
      ),
      ['uplift', () => uplift(db, filter)],
    ];
    for (const [name, run] of named) {
      if (performance.now() - timingStart > budgetMs) {
        skipped.push(`${name}${suffix}`);
        continue;
      }
      const ms = await median(run, groupBy ? groupedRuns : runs);
      results.push([`${name}${suffix}`, ms]);
      console.log(`kpi.${name}${suffix} median_ms=${ms.toFixed(1)}`);
    }
  }
  const reviewMs = await median(() => reviewTreatments(db, { period, teamIds: null }));
  results.push(['treatment_review', reviewMs]);
  console.log(`kpi.treatment_review median_ms=${reviewMs.toFixed(1)}`);
  const coachingMs = await median(() =>
    coachingReport(db, { period, teamIds: null }, { minCount: 30, margin: 0.05 }),
  );
  results.push(['coaching', coachingMs]);
  console.log(`kpi.coaching median_ms=${coachingMs.toFixed(1)}`);
  // CSR note search (20,000 notes): full text with many hits, an exact customer id, and the
  // literal substring fallback (full text finds nothing).
  for (const [label, q] of [
    ['fulltext', 'competitor offers'],
    ['customer_id', 'C780394'],
    ['substring', 'petitor off'],
  ] as const) {
    const ms = await median(() => searchNotes(db, { q, teamIds: null, limit: 100 }));
    console.log(`kpi.notes.${label} median_ms=${ms.toFixed(1)}`);
  }
  const over = results.filter(([, ms]) => ms >= 500).map(([name]) => name);
  console.log(
    `kpi.summary over_500ms=${over.length} of=${results.length} skipped=${skipped.length}`,
  );
  if (skipped.length) console.log(`  skipped (time budget): ${skipped.join(', ')}`);
  if (over.length) console.log(`  over 500 ms: ${over.join(', ')}`);
} finally {
  await db.close();
}
