import {
  treatmentHistoryFromOffers,
  UNSEGMENTED,
  type AttributeValue,
  type CustomerFacts,
  type OutcomeTally,
} from '../../nba/index.ts';
import type { Queryable } from '../db/db.ts';
import type { CustomerProfile } from '../services/customer-profile.ts';

/** Contacts the rules may look at (newest first); enough for any repeat-caller or CSAT window. */
export const factContactLimit = 200;

/** What one decision reads besides the profile, fetched in one statement. */
export interface DecisionInputs {
  catalogueRevision: string;
  routingRevision: number;
  controlShare: number;
  tallies: OutcomeTally[];
  facts: CustomerFacts;
}

type InputsRow = {
  catalogue_revision: string;
  routing_revision: number | null;
  control_share: number;
  tallies: { t: string; a: number; d: number }[];
  offers: { t: string; at: string }[];
  contacts: { reason: string | null; at: string; csat: number | null }[];
};

const iso = (value: string) => new Date(value).toISOString();

/** Only plain values are facts; nested attribute values are left out. */
function factAttributes(attributes: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      out[name] = value;
    }
  }
  return out;
}

/**
 * Everything the engine needs for one customer: revisions (to reuse the cached rule set),
 * the control share, outcome tallies for the customer's segment, past offers per treatment
 * (one per decision and treatment, at its first recorded time) and recent contacts.
 */
export async function loadDecisionInputs(
  db: Queryable,
  profile: CustomerProfile,
  now: Date,
): Promise<DecisionInputs> {
  const segment = profile.segment?.name ?? null;
  const { rows } = await db.query<InputsRow>(
    `SELECT
       (SELECT revision::text FROM nba_catalogue_state WHERE id = 1) AS catalogue_revision,
       (SELECT version FROM routing_config WHERE id = 1) AS routing_revision,
       (SELECT control_share FROM nba_settings WHERE id = 1) AS control_share,
       (SELECT COALESCE(json_agg(json_build_object('t', treatment_key, 'a', accepted, 'd', declined)), '[]'::json)
        FROM nba_tallies WHERE segment = $2) AS tallies,
       (SELECT COALESCE(json_agg(json_build_object('t', o.treatment_key, 'at', o.first_at)), '[]'::json)
        FROM (SELECT o.decision_id, o.treatment_key, min(o.occurred_at) AS first_at
              FROM outcomes o JOIN decisions d ON d.id = o.decision_id
              WHERE d.customer_id = $1 AND o.treatment_key IS NOT NULL
                AND o.result IN ('offered', 'accepted', 'declined')
              GROUP BY o.decision_id, o.treatment_key) o) AS offers,
       (SELECT COALESCE(json_agg(json_build_object('reason', k.reason, 'at', k.started_at, 'csat', k.csat)), '[]'::json)
        FROM (SELECT reason, started_at, csat FROM contacts WHERE customer_id = $1
              ORDER BY started_at DESC LIMIT ${factContactLimit}) k) AS contacts`,
    [profile.customerKey, segment ?? UNSEGMENTED],
  );
  const row = rows[0]!;
  const facts: CustomerFacts = {
    customerId: profile.customer.id,
    segment,
    valueTier: profile.value?.tier ?? null,
    clv: profile.value?.clv ?? null,
    churnProbability: profile.churn?.probability ?? null,
    churnBand: profile.churn?.band ?? null,
    tenureDays: profile.customer.tenureDays,
    pAlive: profile.value?.pAlive ?? null,
    recentContacts: row.contacts.map((c) => ({ reason: c.reason, at: iso(c.at), csat: c.csat })),
    attributes: factAttributes(profile.attributes),
    treatmentHistory: treatmentHistoryFromOffers(
      row.offers.map((o) => ({ treatmentId: o.t, offeredAt: iso(o.at) })),
      now,
    ),
  };
  return {
    catalogueRevision: row.catalogue_revision,
    routingRevision: row.routing_revision === null ? 0 : Number(row.routing_revision),
    controlShare: Number(row.control_share),
    tallies: row.tallies.map((t) => ({
      treatmentId: t.t,
      segment,
      accepted: Number(t.a),
      declined: Number(t.d),
    })),
    facts,
  };
}
