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

type MatchRow = {
  key: string;
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  priority: number;
};

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
  const crm = query.crm && query.id ? normaliseCrmName(query.crm) : null;
  const objectType = crm && query.type ? normaliseCrmName(query.type) : null;
  const recordId = crm && query.id ? normaliseRecordId(query.id, crm) : null;
  const email = query.email ? normaliseEmail(query.email) : null;
  const phone = query.phone ? normalisePhone(query.phone, phoneRegion) : null;
  if (!recordId && !email && !phone) {
    return { status: 'unknown', detail: `"${query.phone}" is not a valid phone number` };
  }
  const { rows } = await db.query<MatchRow>(
    `SELECT c.id::text AS key, c.customer_id, c.name, c.email, c.phone, m.priority
     FROM (
       SELECT customer_id, 1 AS priority FROM identities
       WHERE $3::text IS NOT NULL AND kind = 'record' AND crm = $1
         AND ($2::text IS NULL OR object_type = $2) AND value = $3
       UNION ALL
       SELECT customer_id, 2 FROM identities
       WHERE $4::text IS NOT NULL AND kind = 'email' AND crm = '' AND object_type = '' AND value = $4
       UNION ALL
       SELECT customer_id, 3 FROM identities
       WHERE $5::text IS NOT NULL AND kind = 'phone' AND crm = '' AND object_type = '' AND value = $5
     ) m JOIN customers c ON c.id = m.customer_id
     ORDER BY m.priority, c.customer_id
     LIMIT 60`,
    [crm, objectType, recordId, email, phone],
  );
  if (!rows.length) {
    const tried = [
      recordId ? `${crm} ${objectType ?? 'record'} ${recordId}` : null,
      email ? `email ${email}` : null,
      phone ? `phone ${phone}` : null,
    ].filter(Boolean);
    return { status: 'unknown', detail: `No customer has ${tried.join(', or ')}.` };
  }
  const best = Number(rows[0]!.priority);
  const matches = new Map<string, MatchRow>();
  for (const row of rows) if (Number(row.priority) === best) matches.set(row.key, row);
  if (matches.size === 1) return { status: 'found', customerKey: rows[0]!.key };
  return {
    status: 'ambiguous',
    candidates: [...matches.values()].slice(0, 20).map((row) => ({
      customerId: row.customer_id,
      name: row.name,
      email: row.email,
      phone: row.phone,
    })),
  };
}
