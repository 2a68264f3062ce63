import type { Candidate, InsightsQuery } from '../../contract/index.ts';
import type { Queryable } from '../db/db.ts';
import {
  profileColumnsSql,
  profileFromRow,
  type CustomerProfile,
  type ProfileRow,
} from './customer-profile.ts';
import {
  identifiersOf,
  matchLimit,
  matchSql,
  resolutionOf,
  unusableDetail,
  type MatchRow,
} from '../routing/resolve-customer.ts';

export type ProfileResolution =
  | { status: 'found'; profile: CustomerProfile; row: Record<string, unknown> }
  | { status: 'unknown'; detail: string }
  | { status: 'ambiguous'; candidates: Candidate[] };

type LookupRow = Partial<ProfileRow> & { matches: MatchRow[] | null; key: string | null };

/**
 * resolveCustomer and loadCustomerProfile in one statement (one round trip): the identity
 * matches come back as they would from resolveCustomer, and beside them the profile of the
 * customer when exactly one matched at the strongest identifier given. `extraColumnsSql`
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
