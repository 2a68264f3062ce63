import type { Candidate, InsightsQuery } from '../../contract/index.ts';
import type { Queryable } from '../db/db.ts';
import {
  normaliseCrmName,
  normaliseEmail,
  normalisePhone,
  normaliseRecordId,
} from '../identity/normalise.ts';

export type Resolution =
  | { status: 'found'; customerKey: string }
  | { status: 'unknown'; detail: string }
  | { status: 'ambiguous'; candidates: Candidate[] };

/** The identifiers a page gave, normalised as identities are stored. */
export interface Identifiers {
  crm: string | null;
  objectType: string | null;
  recordId: string | null;
  email: string | null;
  phone: string | null;
}

export type MatchRow = {
  key: string;
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  priority: number;
};

/** Matches are cut here; candidates shown for an ambiguous match, a smaller number. */
export const matchLimit = 60;
export const candidateLimit = 20;

export function identifiersOf(query: InsightsQuery, phoneRegion: string): Identifiers {
  const crm = query.crm && query.id ? normaliseCrmName(query.crm) : null;
  const objectType = crm && query.type ? normaliseCrmName(query.type) : null;
  const recordId = crm && query.id ? normaliseRecordId(query.id, crm) : null;
  const email = query.email ? normaliseEmail(query.email) : null;
  const phone = query.phone ? normalisePhone(query.phone, phoneRegion) : null;
  return { crm, objectType, recordId, email, phone };
}

/** Why nothing can be looked up, or null when some identifier is usable. */
export function unusableDetail(ids: Identifiers, query: InsightsQuery): string | null {
  if (ids.recordId || ids.email || ids.phone) return null;
  return `"${query.phone}" is not a valid phone number`;
}

export function unknownDetail(ids: Identifiers): string {
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
export function matchSql(ids: Identifiers): { sql: string; params: string[] } {
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
export function resolutionOf(rows: MatchRow[], ids: Identifiers): Resolution {
  if (!rows.length) return { status: 'unknown', detail: unknownDetail(ids) };
  const best = Number(rows[0]!.priority);
  const matches = new Map<string, MatchRow>();
  for (const row of rows) if (Number(row.priority) === best) matches.set(row.key, row);
  if (matches.size === 1) return { status: 'found', customerKey: rows[0]!.key };
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

/**
 * Finds the customer a page refers to. Identifiers are tried in order of strength (CRM record,
 * then email, then phone) in a single query; the strongest identifier that matches decides,
 * and when it matches several customers they are all returned, never one guessed.
 */
export async function resolveCustomer(
  db: Queryable,
  query: InsightsQuery,
  phoneRegion: string,
): Promise<Resolution> {
  const ids = identifiersOf(query, phoneRegion);
  const unusable = unusableDetail(ids, query);
  if (unusable) return { status: 'unknown', detail: unusable };
  const match = matchSql(ids);
  const { rows } = await db.query<MatchRow>(
    `SELECT c.id::text AS key, c.customer_id, c.name, c.email, c.phone, m.priority
     FROM (${match.sql}) m JOIN customers c ON c.id = m.customer_id
     ORDER BY m.priority, c.customer_id
     LIMIT ${matchLimit}`,
    match.params,
  );
  return resolutionOf(rows, ids);
}
