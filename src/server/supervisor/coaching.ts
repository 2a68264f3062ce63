import type { CoachingAgent, CoachingMetric } from '../../contract/supervisor.ts';
import { audit } from '../audit/store.ts';
import type { Queryable } from '../db/db.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { atRiskAt, type PeriodFilter } from '../db/period-filters.ts';
import { iso, Params } from '../db/sql-params.ts';

/** Counts behind each coaching rate for one agent (or team) on one segment. */
interface Counts {
  suggested: number;
  offered: number;
  accepted: number;
  saveOffers: number;
  saves: number;
  contacts: number;
  resolved: number;
}

const zero = (): Counts => ({
  suggested: 0,
  offered: 0,
  accepted: 0,
  saveOffers: 0,
  saves: 0,
  contacts: 0,
  resolved: 0,
});

/** Each metric's numerator and the count it rests on (what minCount applies to). */
const metrics: Record<CoachingMetric, (c: Counts) => [number, number]> = {
  offerRate: (c) => [c.offered, c.suggested],
  acceptanceRate: (c) => [c.accepted, c.offered],
  saveRate: (c) => [c.saves, c.saveOffers],
  fcr: (c) => [c.resolved, c.contacts],
};

function add(into: Counts, from: Partial<Counts>): void {
  for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += from[key] ?? 0;
}

/**
 * Coaching cues: where an agent's offer, acceptance, save (accepted retention offers to at-risk
 * customers) or first-contact-resolution rate on a segment (or overall) falls short of their
 * team's rate (team including the agent) by at least `margin`, on at least `minCount`
 * suggestions, offers or contacts. Plus each agent's three most skipped treatments (shown, not
 * offered) and their latest coaching notes.
 */
export async function coachingReport(
  db: Queryable,
  filter: PeriodFilter,
  options: { minCount: number; margin: number },
): Promise<CoachingAgent[]> {
  const teamCondition = (p: Params) =>
    filter.teamIds === null ? '' : ` AND a.team_id = ANY(${p.add(filter.teamIds)}::bigint[])`;

  const agentsQuery = (async () => {
    const p = new Params();
    return db.query<{ agent: string; team: string }>(
      `SELECT a.name AS agent, t.name AS team FROM agents a JOIN teams t ON t.id = a.team_id
       WHERE true${teamCondition(p)} ORDER BY a.name`,
      p.values,
    );
  })();

  // Suggestions (decision_suggestions) and their offers (offer_status rows of shown suggestions,
  // kept by trigger: migration 040) are counted in two range scans per agent, segment and
  // treatment: offer_status copies the decision's agent, time, control flag and customer, so
  // this equals joining the two. The segment is the row's customer_segment (migration 050). The
  // same counts then give both the rates per agent and segment and the skipped treatments per
  // agent (not offered = shown minus offered), as two grouping sets of one query. The at-risk
  // lookup runs only for offered retention suggestions.
  const offersP = new Params();
  const from = offersP.add(filter.period.from);
  const to = offersP.add(filter.period.to);
  const offersQuery = db.query<{
    per_treatment: boolean;
    agent: string;
    team: string;
    segment: string | null;
    treatment_key: string | null;
    suggested: number;
    offered: number;
    accepted: number;
    save_offers: number;
    saves: number;
  }>(
    `SELECT GROUPING(x.treatment_key) = 0 AS per_treatment, x.agent, t.name AS team,
       x.segment, x.treatment_key,
       sum(x.suggested)::int AS suggested, sum(x.offered)::int AS offered,
       sum(x.accepted)::int AS accepted, sum(x.save_offers)::int AS save_offers,
       sum(x.saves)::int AS saves
     FROM (
       SELECT ds.agent, ds.customer_segment AS segment, ds.treatment_key, count(*) AS suggested,
         0 AS offered, 0 AS accepted, 0 AS save_offers, 0 AS saves
       FROM decision_suggestions ds
       WHERE NOT ds.control_group AND ds.created_at >= ${from} AND ds.created_at < ${to}
       GROUP BY 1, 2, 3
       UNION ALL
       SELECT r.agent, r.segment, r.treatment_key, 0, count(*) FILTER (WHERE r.offered),
         count(*) FILTER (WHERE r.accepted), count(*) FILTER (WHERE r.save_offer),
         count(*) FILTER (WHERE r.save_offer AND r.accepted)
       FROM (
         SELECT f.agent, f.customer_segment AS segment, f.treatment_key, f.offered, f.accepted,
           CASE WHEN f.offered AND COALESCE(tr.kind, f.suggested_kind) = 'retention'
             THEN ${atRiskAt('f.customer_id', 'f.created_at')} END AS save_offer
         FROM offer_status f LEFT JOIN treatments tr ON tr.key = f.treatment_key
         WHERE f.shown AND NOT f.control_group AND f.created_at >= ${from} AND f.created_at < ${to}
         -- Computed once per row (the two filters above would each run the lookup).
         OFFSET 0
       ) r
       GROUP BY 1, 2, 3
     ) x JOIN agents a ON a.name = x.agent JOIN teams t ON t.id = a.team_id
     WHERE true${teamCondition(offersP)}
     GROUP BY GROUPING SETS ((x.agent, t.name, x.segment), (x.agent, t.name, x.treatment_key))
     -- Per treatment: most skipped (not offered) first, then by key.
     ORDER BY 1, sum(x.suggested) - sum(x.offered) DESC, x.treatment_key`,
    offersP.values,
  );

  const contactsP = new Params();
  const contactsQuery = db.query<{
    agent: string;
    team: string;
    segment: string | null;
    contacts: number;
    resolved: number;
  }>(
    // Counted per agent id and segment first (a few thousand groups), then named.
    `SELECT a.name AS agent, t.name AS team, x.segment, x.contacts::int AS contacts,
       x.resolved::int AS resolved
     FROM (
       SELECT c.agent_id, c.customer_segment AS segment, count(*) AS contacts,
         count(*) FILTER (WHERE c.resolved_first_contact AND (c.next_contact_at IS NULL
           OR c.next_contact_at > c.started_at + interval '7 days')) AS resolved
       FROM contacts c
       WHERE c.started_at >= ${contactsP.add(filter.period.from)} AND c.started_at < ${contactsP.add(filter.period.to)}
       GROUP BY 1, 2
     ) x JOIN agents a ON a.id = x.agent_id JOIN teams t ON t.id = a.team_id
     WHERE true${teamCondition(contactsP)}`,
    contactsP.values,
  );

  const notesP = new Params();
  const notesQuery = db.query<{
    id: string;
    agent: string;
    note: string;
    author: string;
    created_at: Date | string;
  }>(
    `SELECT n.id::text, n.agent, n.note, n.author, n.created_at FROM coaching_notes n
     JOIN agents a ON a.name = n.agent WHERE true${teamCondition(notesP)}
     ORDER BY n.created_at DESC, n.id DESC`,
    notesP.values,
  );

  // Independent queries: on PostgreSQL they run side by side on the pool.
  const [agentsResult, offerCounts, contacts, notes] = await Promise.all([
    agentsQuery,
    offersQuery,
    contactsQuery,
    notesQuery,
  ]);
  const offers = offerCounts.rows.filter((r) => !r.per_treatment);
  const skipped = offerCounts.rows
    .filter((r) => r.per_treatment && r.suggested > r.offered)
    .map((r) => ({
      agent: r.agent,
      treatment_key: r.treatment_key!,
      suggested: r.suggested,
      not_offered: r.suggested - r.offered,
    }));

  // Counts by agent|segment and team|segment; the segment key '*' is every segment together.
  const byAgent = new Map<string, Counts>();
  const byTeam = new Map<string, Counts>();
  const segmentsOf = new Map<string, Set<string>>();
  const bump = (agent: string, team: string, segment: string | null, counts: Partial<Counts>) => {
    const seg = segment ?? '(no segment)';
    for (const [map, owner] of [
      [byAgent, agent],
      [byTeam, team],
    ] as const) {
      for (const key of [`${owner}|${seg}`, `${owner}|*`]) {
        if (!map.has(key)) map.set(key, zero());
        add(map.get(key)!, counts);
      }
    }
    if (!segmentsOf.has(agent)) segmentsOf.set(agent, new Set());
    segmentsOf.get(agent)!.add(seg);
  };
  for (const r of offers) {
    bump(r.agent, r.team, r.segment, {
      suggested: r.suggested,
      offered: r.offered,
      accepted: r.accepted,
      saveOffers: r.save_offers,
      saves: r.saves,
    });
  }
  for (const r of contacts.rows) {
    bump(r.agent, r.team, r.segment, { contacts: r.contacts, resolved: r.resolved });
  }

  return agentsResult.rows.map(({ agent, team }) => {
    const cues: CoachingAgent['cues'] = [];
    for (const seg of ['*', ...[...(segmentsOf.get(agent) ?? [])].sort()]) {
      const mine = byAgent.get(`${agent}|${seg}`);
      const theirs = byTeam.get(`${team}|${seg}`);
      if (!mine || !theirs) continue;
      for (const metric of Object.keys(metrics) as CoachingMetric[]) {
        const [num, count] = metrics[metric](mine);
        const [teamNum, teamCount] = metrics[metric](theirs);
        if (count < options.minCount || teamCount === 0) continue;
        const agentRate = num / count;
        const teamRate = teamNum / teamCount;
        const gap = teamRate - agentRate;
        if (gap >= options.margin - 1e-12) {
          cues.push({
            agent,
            team,
            segment: seg === '*' ? null : seg,
            metric,
            agentRate,
            teamRate,
            gap,
            count,
          });
        }
      }
    }
    cues.sort((a, b) => b.gap - a.gap);
    return {
      agent,
      team,
      cues,
      mostSkipped: skipped
        .filter((r) => r.agent === agent)
        .slice(0, 3)
        .map((r) => ({
          treatmentKey: r.treatment_key,
          suggested: r.suggested,
          notOffered: r.not_offered,
        })),
      notes: notes.rows
        .filter((n) => n.agent === agent)
        .slice(0, 5)
        .map((n) => ({ id: n.id, note: n.note, author: n.author, at: iso(n.created_at)! })),
    };
  });
}

/** Stores a coaching note for an agent the author may see; audited. */
export async function addCoachingNote(
  db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  input: { agent: string; note: string; author: string; teamIds: string[] | null },
) {
  const { rows } = await db.query<{ team_id: string | null }>(
    'SELECT team_id::text FROM agents WHERE name = $1',
    [input.agent],
  );
  const found = rows[0];
  if (!found) throw new NotFoundError('Unknown agent', `No agent is named "${input.agent}".`);
  if (
    input.teamIds !== null &&
    (found.team_id === null || !input.teamIds.includes(found.team_id))
  ) {
    throw new ForbiddenError('Forbidden', `"${input.agent}" is not in one of your teams.`);
  }
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string; created_at: Date | string }>(
      'INSERT INTO coaching_notes (agent, note, author) VALUES ($1, $2, $3) RETURNING id::text, created_at',
      [input.agent, input.note, input.author],
    );
    const row = inserted.rows[0]!;
    await audit(tx, {
      actor: input.author,
      action: 'coaching-note.create',
      target: input.agent,
      details: { id: row.id },
    });
    return {
      id: row.id,
      agent: input.agent,
      note: input.note,
      author: input.author,
      at: iso(row.created_at)!,
    };
  });
}
