import {
  purchaseModelKinds,
  scoreModelKinds,
  type Insights,
  type PurchaseModelKind,
  type ScoreModelKind,
} from '../../contract/index.ts';
import type { Queryable } from '../db/db.ts';

/** Everything about a customer the panel shows, before a decision is made. */
export type CustomerProfile = Omit<Insights, 'nextBestActions' | 'decision' | 'routing'> & {
  /** Internal key of the customer row, for writes that follow (decisions). */
  customerKey: string;
  attributes: Record<string, unknown>;
};

export type ProfileRow = {
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  since: string | Date | null;
  identities: {
    kind: 'record' | 'email' | 'phone';
    crm: string;
    objectType: string;
    value: string;
  }[];
  score: ScoreJson | null;
  contacts: ContactJson[];
};

type ScoreJson = {
  segment: string | null;
  recency_score: number | null;
  frequency_score: number | null;
  monetary_score: number | null;
  clv: number | null;
  currency: string | null;
  value_tier: string | null;
  p_alive: number | null;
  expected_purchases: number | null;
  horizon_months: number | null;
  churn_probability: number | null;
  churn_band: string | null;
  churn_source: string | null;
  churn_reasons: string[] | null;
  model_version: string | null;
  value_model: string | null;
  computed_at: string;
};

type ContactJson = {
  contact_id: string;
  started_at: string;
  channel: string;
  reason: string | null;
  resolved_first_contact: boolean | null;
  csat: number | null;
  agent: string | null;
};

const recentContactLimit = 5;

const iso = (value: string | Date) => new Date(value).toISOString();
const dayMs = 86_400_000;

/**
 * The profile's columns for the customers row aliased `c`: identities, latest score snapshot and
 * the last contacts as JSON, so one row carries the whole profile.
 */
export const profileColumnsSql = `c.customer_id, c.name, c.email, c.phone, c.attributes,
       LEAST(c.since, (SELECT min(t.occurred_at)::date FROM transactions t WHERE t.customer_id = c.id))::text AS since,
       (SELECT COALESCE(json_agg(json_build_object('kind', i.kind, 'crm', i.crm,
           'objectType', i.object_type, 'value', i.value) ORDER BY i.id), '[]'::json)
        FROM identities i WHERE i.customer_id = c.id) AS identities,
       (SELECT row_to_json(s) FROM (
          SELECT segment, recency_score, frequency_score, monetary_score, clv, currency, value_tier,
            p_alive, expected_purchases, horizon_months, churn_probability, churn_band, churn_source,
            churn_reasons, model_version, value_model, computed_at
          FROM score_snapshots WHERE customer_id = c.id ORDER BY computed_at DESC, id DESC LIMIT 1) s
       ) AS score,
       (SELECT COALESCE(json_agg(k), '[]'::json) FROM (
          SELECT x.contact_id, x.started_at, x.channel, x.reason, x.resolved_first_contact, x.csat,
            a.name AS agent
          FROM contacts x LEFT JOIN agents a ON a.id = x.agent_id
          WHERE x.customer_id = c.id ORDER BY x.started_at DESC LIMIT ${recentContactLimit}) k
       ) AS contacts`;

/** One query: customer, identities, latest score snapshot and the last contacts. */
export async function loadCustomerProfile(
  db: Queryable,
  customerKey: string,
  now = new Date(),
): Promise<CustomerProfile | null> {
  const { rows } = await db.query<ProfileRow>(
    `SELECT ${profileColumnsSql} FROM customers c WHERE c.id = $1`,
    [customerKey],
  );
  const row = rows[0];
  return row ? profileFromRow(row, customerKey, now) : null;
}

/** "mbgnbd:7" as {kind, version}; null for anything else. */
function modelRef<K extends string>(
  stored: string | null,
  kinds: readonly K[],
): { kind: K; version: string | null } | null {
  if (!stored) return null;
  const at = stored.indexOf(':');
  const kind = (at < 0 ? stored : stored.slice(0, at)) as K;
  if (!kinds.includes(kind)) return null;
  return { kind, version: at < 0 ? null : stored.slice(at + 1) };
}

/**
 * The purchase model behind a snapshot's value. Snapshots from before value_model was recorded
 * were all valued by BG/NBD; its version is then known only when BG/NBD also made the churn.
 */
function valueModelOf(score: ScoreJson): { kind: PurchaseModelKind; version: string | null } {
  return (
    modelRef(score.value_model, purchaseModelKinds) ??
    (modelRef(score.model_version, purchaseModelKinds)?.kind === 'bgnbd'
      ? modelRef(score.model_version, purchaseModelKinds)!
      : { kind: 'bgnbd', version: null })
  );
}

const optionalModel = <T>(model: T | null) => (model ? { model } : {});

function churnModelOf(score: ScoreJson): { kind: ScoreModelKind; version: string | null } | null {
  return modelRef(score.model_version, scoreModelKinds);
}

/** The profile from a row of `profileColumnsSql`. */
export function profileFromRow(row: ProfileRow, customerKey: string, now: Date): CustomerProfile {
  const since = row.since ? new Date(`${String(row.since).slice(0, 10)}T00:00:00Z`) : null;
  const score = row.score;
  return {
    customerKey,
    attributes: row.attributes ?? {},
    customer: {
      id: row.customer_id,
      name: row.name,
      email: row.email,
      phone: row.phone,
      since: since ? since.toISOString().slice(0, 10) : null,
      tenureDays: since ? Math.max(0, Math.floor((now.getTime() - since.getTime()) / dayMs)) : null,
      identities: row.identities.map((identity) =>
        identity.kind === 'record' ? identity : { kind: identity.kind, value: identity.value },
      ),
    },
    segment:
      score?.segment && score.recency_score && score.frequency_score && score.monetary_score
        ? {
            name: score.segment as NonNullable<Insights['segment']>['name'],
            recency: score.recency_score,
            frequency: score.frequency_score,
            monetary: score.monetary_score,
          }
        : null,
    value:
      score && score.clv !== null && score.value_tier
        ? {
            clv: score.clv,
            currency: score.currency ?? 'USD',
            tier: score.value_tier as NonNullable<Insights['value']>['tier'],
            expectedPurchases: score.expected_purchases,
            pAlive: score.p_alive,
            horizonMonths: score.horizon_months ?? 12,
            model: valueModelOf(score),
          }
        : null,
    churn:
      score && score.churn_probability !== null && score.churn_band && score.churn_source
        ? {
            probability: score.churn_probability,
            band: score.churn_band as NonNullable<Insights['churn']>['band'],
            source: score.churn_source as NonNullable<Insights['churn']>['source'],
            modelVersion: score.model_version,
            ...optionalModel(churnModelOf(score)),
            reasons: (score.churn_reasons ?? []).slice(0, 3),
          }
        : null,
    recentContacts: row.contacts.map((contact) => ({
      id: contact.contact_id,
      startedAt: iso(contact.started_at),
      channel: contact.channel,
      reason: contact.reason,
      resolvedFirstContact: contact.resolved_first_contact,
      csat: contact.csat,
      agent: contact.agent,
    })),
    scoredAt: score ? iso(score.computed_at) : null,
  };
}
