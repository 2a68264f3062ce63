import type { Insights, InsightsQuery } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { ambiguousCustomerError, NotFoundError } from '../errors.ts';
import { lookupCustomerProfile } from './customer-lookup.ts';
import type { CustomerProfile } from './customer-profile.ts';
import type { DecisionMaker } from './decision-maker.ts';
import { DecisionWriter } from './decision-writer.ts';

export interface InsightsDeps {
  db: Db;
  decide: DecisionMaker;
  phoneRegion: string;
  /** Where decisions are stored; one per database, shared by every request (group commit). */
  decisions?: DecisionWriter;
}

const writers = new WeakMap<Db, DecisionWriter>();

function decisionWriterOf(deps: InsightsDeps): DecisionWriter {
  if (deps.decisions) return deps.decisions;
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = new DecisionWriter(deps.db);
    writers.set(deps.db, writer);
  }
  return writer;
}

/**
 * The panel's whole payload from what the page showed. Every answer is a decision: it is
 * stored with its audit entry (in one statement, possibly with other requests' decisions)
 * before the answer leaves, so outcomes can attach to it. `at` (default now) is when the
 * request is taken to happen: the demo seed replays its team's past work through here.
 */
export async function getInsights(
  deps: InsightsDeps,
  query: InsightsQuery,
  agent: string,
  at?: Date,
): Promise<Insights> {
  const resolution = await lookupCustomerProfile(
    deps.db,
    query,
    deps.phoneRegion,
    at ?? new Date(),
    deps.decide.lookupColumnsSql,
  );
  if (resolution.status === 'unknown') {
    throw new NotFoundError('Unknown customer', resolution.detail);
  }
  if (resolution.status === 'ambiguous') throw ambiguousCustomerError(resolution.candidates);
  const { profile } = resolution;
  const context = query.context ?? null;
  const interaction = interactionKeyOf(query);
  const kept = interaction
    ? await decisionOfInteraction(deps.db, interaction, profile.customerKey, agent)
    : null;
  if (kept) return insightsOf(profile, kept.plan, kept.decisionId);
  const plan = await deps.decide(deps.db, { profile, agent, context, lookupRow: resolution.row });
  const decisionId = await decisionWriterOf(deps).write({
    customerKey: profile.customerKey,
    agent,
    context,
    controlGroup: plan.controlGroup,
    noActionReason: plan.noActionReason,
    noActionCode: plan.noActionCode ?? null,
    segment: plan.segment ?? null,
    suggestions: JSON.stringify(plan.suggestions),
    routing: JSON.stringify(plan.routing),
    modelVersions: JSON.stringify(plan.modelVersions),
    ruleVersion: plan.ruleVersion,
    auditDetails: JSON.stringify({ customerId: profile.customer.id, context }),
    createdAt: at?.toISOString(),
  });
  const answered: InteractionPlan = {
    nextBestActions: plan.nextBestActions,
    controlGroup: plan.controlGroup,
    noActionReason: plan.noActionReason,
    routing: plan.routing,
  };
  if (interaction) {
    // Two lookups of one call or conversation racing: the first stored decision is its one.
    const first = await keepDecisionOfInteraction(
      deps.db,
      interaction,
      profile.customerKey,
      agent,
      { decisionId, plan: answered },
    );
    return insightsOf(profile, first.plan, first.decisionId);
  }
  return insightsOf(profile, answered, decisionId);
}

/**
 * The call or chat conversation a lookup belongs to, as stored (`call:<platform>:<id>`,
 * `chat:<console>:<id>`); null for a lookup from a record page alone.
 */
function interactionKeyOf(query: InsightsQuery): string | null {
  if (query.call) return `call:${query.call}`;
  if (query.conversation) return `chat:${query.conversation}`;
  return null;
}

/** The decision's part of an insights answer, as a call or conversation keeps it. */
type InteractionPlan = Pick<Insights, 'nextBestActions' | 'routing'> & {
  controlGroup: boolean;
  noActionReason: string | null;
};

function insightsOf(profile: CustomerProfile, plan: InteractionPlan, decisionId: string): Insights {
  return {
    customer: profile.customer,
    segment: profile.segment,
    value: profile.value,
    churn: profile.churn,
    nextBestActions: plan.nextBestActions,
    decision: {
      id: decisionId,
      controlGroup: plan.controlGroup,
      noActionReason: plan.noActionReason,
    },
    routing: plan.routing,
    recentContacts: profile.recentContacts,
    scoredAt: profile.scoredAt,
  };
}

async function decisionOfInteraction(
  db: Db,
  interaction: string,
  customerKey: string,
  agent: string,
): Promise<{ decisionId: string; plan: InteractionPlan } | null> {
  const { rows } = await db.query<{ decision_id: string; plan: InteractionPlan }>(
    `SELECT decision_id::text, plan FROM interaction_decisions
     WHERE interaction_key = $1 AND customer_id = $2::bigint AND agent = $3`,
    [interaction, customerKey, agent],
  );
  const row = rows[0];
  return row ? { decisionId: row.decision_id, plan: row.plan } : null;
}

async function keepDecisionOfInteraction(
  db: Db,
  interaction: string,
  customerKey: string,
  agent: string,
  made: { decisionId: string; plan: InteractionPlan },
): Promise<{ decisionId: string; plan: InteractionPlan }> {
  const { rows } = await db.query(
    `INSERT INTO interaction_decisions (interaction_key, customer_id, agent, decision_id, plan)
     VALUES ($1, $2::bigint, $3, $4::uuid, $5::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
    [interaction, customerKey, agent, made.decisionId, JSON.stringify(made.plan)],
  );
  if (rows.length) return made;
  return (await decisionOfInteraction(db, interaction, customerKey, agent)) ?? made;
}
