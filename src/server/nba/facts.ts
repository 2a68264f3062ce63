import {
  treatmentHistoryFromOffers,
  UNSEGMENTED,
  type AttributeValue,
  type CustomerFacts,
  type OutcomeTally,
} from '../../nba/index.ts';
import type { Queryable } from '../db/db.ts';
import type { CustomerProfile } from '../insights/customer-profile.ts';

/** Contacts the rules may look at (newest first); enough for any repeat-caller or CSAT window. */
const factContactLimit = 200;

/** What one decision reads besides the profile, fetched in one statement. */
export interface DecisionInputs {
  catalogueRevision: string;
  routingRevision: number;
  controlShare: number;
  tallies: OutcomeTally[];
  facts: CustomerFacts;
}

type InputsRow = {
  nba_catalogue_revision: string;
  nba_routing_revision: number | null;
  nba_control_share: number;
  nba_tallies: { segment: string; items: { t: string; a: number; d: number }[] };
  nba_offers: { t: string; at: string }[];
  nba_contacts: { reason: string | null; at: string; csat: number | null }[];
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
 * The inputs' columns for the customer row aliased `c` (only `c.id` is read), named `nba_*` so
 * they can sit beside the profile's columns: revisions (to reuse the cached rule set), the
 * control share, outcome tallies for the segment `segmentSql` evaluates to, past offers per
 * treatment (one per decision and treatment, at its first recorded time) and recent contacts.
 */
function decisionInputColumns(segmentSql: string): string {
  return `(SELECT revision::text FROM nba_catalogue_state WHERE id = 1) AS nba_catalogue_revision,
       (SELECT version FROM routing_config WHERE id = 1) AS nba_routing_revision,
       (SELECT control_share FROM nba_settings WHERE id = 1) AS nba_control_share,
       (SELECT json_build_object('segment', g.segment, 'items', COALESCE(json_agg(
           json_build_object('t', t.treatment_key, 'a', t.accepted, 'd', t.declined))
           FILTER (WHERE t.treatment_key IS NOT NULL), '[]'::json))
        FROM (SELECT (${segmentSql})::text AS segment) g
          LEFT JOIN nba_tallies t ON t.segment = g.segment
        GROUP BY g.segment) AS nba_tallies,
       (SELECT COALESCE(json_agg(json_build_object('t', o.treatment_key, 'at', o.first_at)), '[]'::json)
        FROM (SELECT o.decision_id, o.treatment_key, min(o.occurred_at) AS first_at
              FROM outcomes o JOIN decisions d ON d.id = o.decision_id
              WHERE d.customer_id = c.id AND o.treatment_key IS NOT NULL
                AND o.result IN ('offered', 'accepted', 'declined') AND o.retracted_at IS NULL
              GROUP BY o.decision_id, o.treatment_key) o) AS nba_offers,
       (SELECT COALESCE(json_agg(json_build_object('reason', k.reason, 'at', k.started_at, 'csat', k.csat)), '[]'::json)
        FROM (SELECT reason, started_at, csat FROM contacts WHERE customer_id = c.id
              ORDER BY started_at DESC LIMIT ${factContactLimit}) k) AS nba_contacts`;
}

/**
 * The segment whose tallies the decision reads, from the customer's latest score snapshot by the
 * rule profileFromRow uses for `segment` (a name and all three RFM scores, else unsegmented).
 */
const lookupSegmentSql = `COALESCE((
         SELECT CASE WHEN s.segment <> '' AND s.recency_score <> 0 AND s.frequency_score <> 0
                       AND s.monetary_score <> 0 THEN s.segment END
         FROM score_snapshots s WHERE s.customer_id = c.id
         ORDER BY s.computed_at DESC, s.id DESC LIMIT 1), '${UNSEGMENTED.replaceAll("'", "''")}')`;

/**
 * The decision inputs as columns of the insights customer lookup (customer row `c`), so a request
 * reads everything in one statement; decisionInputsFromLookup turns them back into inputs.
 */
export const decisionInputLookupColumnsSql = decisionInputColumns(lookupSegmentSql);

function inputsFromRow(row: InputsRow, profile: CustomerProfile, now: Date): DecisionInputs {
  const segment = profile.segment?.name ?? null;
  const facts: CustomerFacts = {
    customerId: profile.customer.id,
    segment,
    valueTier: profile.value?.tier ?? null,
    clv: profile.value?.clv ?? null,
    churnProbability: profile.churn?.probability ?? null,
    churnBand: profile.churn?.band ?? null,
    tenureDays: profile.customer.tenureDays,
    pAlive: profile.value?.pAlive ?? null,
    recentContacts: row.nba_contacts.map((c) => ({
      reason: c.reason,
      at: iso(c.at),
      csat: c.csat,
    })),
    attributes: factAttributes(profile.attributes),
    treatmentHistory: treatmentHistoryFromOffers(
      row.nba_offers.map((o) => ({ treatmentId: o.t, offeredAt: iso(o.at) })),
      now,
    ),
  };
  return {
    catalogueRevision: row.nba_catalogue_revision,
    routingRevision: row.nba_routing_revision === null ? 0 : Number(row.nba_routing_revision),
    controlShare: Number(row.nba_control_share),
    tallies: row.nba_tallies.items.map((t) => ({
      treatmentId: t.t,
      segment,
      accepted: Number(t.a),
      declined: Number(t.d),
    })),
    facts,
  };
}

/**
 * The inputs from a lookup row that carries decisionInputLookupColumnsSql, or null when it does
 * not (or its tallies are for another segment than the profile's): the caller then loads them.
 */
export function decisionInputsFromLookup(
  row: Record<string, unknown>,
  profile: CustomerProfile,
  now: Date,
): DecisionInputs | null {
  const inputs = row as Partial<InputsRow>;
  if (inputs.nba_catalogue_revision === undefined || inputs.nba_tallies === undefined) return null;
  if (inputs.nba_tallies.segment !== (profile.segment?.name ?? UNSEGMENTED)) return null;
  return inputsFromRow(inputs as InputsRow, profile, now);
}

/** Everything the engine needs for one customer, in one statement of its own. */
export async function loadDecisionInputs(
  db: Queryable,
  profile: CustomerProfile,
  now: Date,
): Promise<DecisionInputs> {
  const segment = profile.segment?.name ?? null;
  const { rows } = await db.query<InputsRow>(
    `SELECT ${decisionInputColumns('$2')} FROM (SELECT $1::bigint AS id) c`,
    [profile.customerKey, segment ?? UNSEGMENTED],
  );
  return inputsFromRow(rows[0]!, profile, now);
}
