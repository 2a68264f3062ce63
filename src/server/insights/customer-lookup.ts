import type { Candidate, InsightsQuery } from '../../contract/index.ts';
import type { Queryable } from '../db/db.ts';
import {
  normaliseCrmName,
  normaliseEmail,
  normalisePhone,
  normaliseRecordId,
} from '../identity/normalise.ts';
import {
  profileColumnsSql,
  profileFromRow,
  type CustomerProfile,
  type ProfileRow,
} from './customer-profile.ts';

type IdentityMatch =
  | { status: 'found' }
  | { status: 'unknown'; detail: string }
  | { status: 'ambiguous'; candidates: Candidate[] };

/** The identifiers a page gave, normalised as identities are stored. */
interface Identifiers {
  crm: string | null;
  objectType: string | null;
  recordId: string | null;
  email: string | null;
  phone: string | null;
}

type MatchRow = {
  key: string;
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  priority: number;
};

/** Matches are cut here; candidates shown for an ambiguous match, a smaller number. */
const matchLimit = 60;
const candidateLimit = 20;

function identifiersOf(query: InsightsQuery, phoneRegion: string): Identifiers {
  const crm = query.crm && query.id ? normaliseCrmName(query.crm) : null;
  const objectType = crm && query.type ? normaliseCrmName(query.type) : null;
  const recordId = crm && query.id ? normaliseRecordId(query.id, crm) : null;
  const email = query.email ? normaliseEmail(query.email) : null;
  const phone = query.phone ? normalisePhone(query.phone, phoneRegion) : null;
  return { crm, objectType, recordId, email, phone };
}

/** Why nothing can be looked up, or null when some identifier is usable. */
function unusableDetail(ids: Identifiers, query: InsightsQuery): string | null {
  if (ids.recordId || ids.email || ids.phone) return null;
  return `"${query.phone}" is not a valid phone number`;
}

function unknownDetail(ids: Identifiers): string {
  const tried = [
    ids.recordId ? `${ids.crm} ${ids.objectType ?? 'record'} ${ids.recordId}` : null,
    ids.email ? `email ${ids.email}` : null,
    ids.phone ? `phone ${ids.phone}` : null,
  ].filter(Boolean);
  return `No customer has ${tried.join(', or ')}.`;
}

/**
 * The identity matches as SQL (columns customer_id, priority) and its parameters. Only the
 * identifiers given become branches, so each shape of request is its own fixed statement whose
 * every filter can use the identities index, also under a prepared statement's generic plan.
 */
function matchSql(ids: Identifiers): { sql: string; params: string[] } {
  const params: string[] = [];
  const param = (value: string) => {
    params.push(value);
    return `$${params.length}`;
  };
  const branches: string[] = [];
  if (ids.recordId && ids.crm) {
    const typeFilter = ids.objectType ? `AND object_type = ${param(ids.objectType)}` : '';
    branches.push(
      `SELECT customer_id, 1 AS priority FROM identities
       WHERE kind = 'record' AND crm = ${param(ids.crm)} ${typeFilter}
         AND value = ${param(ids.recordId)}`,
    );
  }
  if (ids.email) {
    branches.push(
      `SELECT customer_id, 2 AS priority FROM identities
       WHERE kind = 'email' AND crm = '' AND object_type = '' AND value = ${param(ids.email)}`,
    );
  }
  if (ids.phone) {
    branches.push(
      `SELECT customer_id, 3 AS priority FROM identities
       WHERE kind = 'phone' AND crm = '' AND object_type = '' AND value = ${param(ids.phone)}`,
    );
  }
  return { sql: branches.join('\n       UNION ALL\n       '), params };
}

/** Matches ordered by priority then customer id: the strongest identifier that matched decides. */
function resolutionOf(rows: MatchRow[], ids: Identifiers): IdentityMatch {
  if (!rows.length) return { status: 'unknown', detail: unknownDetail(ids) };
  const best = Number(rows[0]!.priority);
  const matches = new Map<string, MatchRow>();
  for (const row of rows) if (Number(row.priority) === best) matches.set(row.key, row);
  if (matches.size === 1) return { status: 'found' };
  return {
    status: 'ambiguous',
    candidates: [...matches.values()].slice(0, candidateLimit).map((row) => ({
      customerId: row.customer_id,
      name: row.name,
      email: row.email,
      phone: row.phone,
    })),
  };
}

export type ProfileResolution =
  | { status: 'found'; profile: CustomerProfile; row: Record<string, unknown> }
  | { status: 'unknown'; detail: string }
  | { status: 'ambiguous'; candidates: Candidate[] };

type LookupRow = Partial<ProfileRow> & { matches: MatchRow[] | null; key: string | null };

/**
 * Finds the customer a page refers to and loads their profile, in one statement (one round
 * trip): /v1/insights and /v1/routing both look customers up here. Identifiers are tried in
 * order of strength (CRM record, then email, then phone); the strongest identifier that matches
 * decides, and when it matches several customers they are all returned as candidates, never one
 * guessed. The profile comes back when exactly one customer matched at that identifier. `extraColumnsSql`
 * (columns over that customer row `c`, NULL when none was chosen) rides along; a found
 * resolution returns the whole row.
 */
export async function lookupCustomerProfile(
  db: Queryable,
  query: InsightsQuery,
  phoneRegion: string,
  now = new Date(),
  extraColumnsSql?: string,
): Promise<ProfileResolution> {
  const ids = identifiersOf(query, phoneRegion);
  const unusable = unusableDetail(ids, query);
  if (unusable) return { status: 'unknown', detail: unusable };
  const match = matchSql(ids);
  const { rows } = await db.query<LookupRow>(
    `WITH matched AS MATERIALIZED (
       SELECT c.id, c.customer_id, c.name, c.email, c.phone, m.priority
       FROM (${match.sql}) m JOIN customers c ON c.id = m.customer_id
       ORDER BY m.priority, c.customer_id
       LIMIT ${matchLimit}
     ), chosen AS (
       SELECT min(id) AS id FROM matched
       WHERE priority = (SELECT min(priority) FROM matched)
       HAVING count(DISTINCT id) = 1
     )
     SELECT
       (SELECT json_agg(json_build_object('key', id::text, 'customer_id', customer_id,
           'name', name, 'email', email, 'phone', phone, 'priority', priority)
           ORDER BY priority, customer_id)
        FROM matched) AS matches,
       c.id::text AS key, ${profileColumnsSql}${
         extraColumnsSql
           ? `,
       ${extraColumnsSql}`
           : ''
       }
     FROM (SELECT 1) one
       LEFT JOIN chosen ON true
       LEFT JOIN customers c ON c.id = chosen.id`,
    match.params,
  );
  const row = rows[0];
  const resolution = resolutionOf(row?.matches ?? [], ids);
  if (resolution.status !== 'found') return resolution;
  if (!row?.key) {
    // Cannot happen: the statement picks the profile by the same rule as resolutionOf.
    throw new Error('lookupCustomerProfile: a single match came back without its profile');
  }
  return {
    status: 'found',
    profile: profileFromRow(row as ProfileRow, row.key, now),
    row: row as Record<string, unknown>,
  };
}
