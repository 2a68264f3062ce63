import type { Insights, InsightsQuery } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { ambiguousCustomer, HttpProblem } from '../http/problem.ts';
import { loadCustomerProfile } from './customer-profile.ts';
import type { DecisionMaker } from './decide.ts';
import { resolveCustomer } from './resolve-customer.ts';

export interface InsightsDeps {
  db: Db;
  decide: DecisionMaker;
  phoneRegion: string;
}

/**
 * The panel's whole payload from what the page showed. Every answer is a decision: it is
 * stored (with its audit entry, in the same statement) so outcomes can attach to it.
 */
export async function getInsights(
  deps: InsightsDeps,
  query: InsightsQuery,
  agent: string,
): Promise<Insights> {
  const resolution = await resolveCustomer(deps.db, query, deps.phoneRegion);
  if (resolution.status === 'unknown') {
    throw new HttpProblem(404, 'Unknown customer', resolution.detail);
  }
  if (resolution.status === 'ambiguous') throw ambiguousCustomer(resolution.candidates);
  const profile = await loadCustomerProfile(deps.db, resolution.customerKey);
  if (!profile) throw new HttpProblem(404, 'Unknown customer', 'The customer was just removed.');
  const context = query.context ?? null;
  const plan = await deps.decide(deps.db, { profile, agent, context });
  const { rows } = await deps.db.query<{ id: string }>(
    `WITH decision AS (
       INSERT INTO decisions (customer_id, agent, context, control_group, no_action_reason,
         suggestions, routing, rule_version, model_versions, segment, no_action_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12) RETURNING id
     ), logged AS (
       INSERT INTO audit_log (actor, action, target, details)
       SELECT $2, 'decision.create', id::text, $10 FROM decision
     )
     SELECT id::text AS id FROM decision`,
    [
      profile.customerKey,
      agent,
      context,
      plan.controlGroup,
      plan.noActionReason,
      JSON.stringify(plan.suggestions),
      JSON.stringify(plan.routing),
      plan.ruleVersion,
      JSON.stringify(plan.modelVersions),
      JSON.stringify({ customerId: profile.customer.id, context }),
      plan.segment ?? null,
      plan.noActionCode ?? null,
    ],
  );
  return {
    customer: profile.customer,
    segment: profile.segment,
    value: profile.value,
    churn: profile.churn,
    nextBestActions: plan.nextBestActions,
    decision: {
      id: rows[0]!.id,
      controlGroup: plan.controlGroup,
      noActionReason: plan.noActionReason,
    },
    routing: plan.routing,
    recentContacts: profile.recentContacts,
    scoredAt: profile.scoredAt,
  };
}
