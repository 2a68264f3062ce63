import type { Queryable } from '../db/db.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** Every write is recorded; call it inside the same transaction as the write it describes. */
export async function audit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
    entry.actor,
    entry.action,
    entry.target ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}

export interface StoredAuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  at: string;
}

/** The latest entries, newest first, of one action or all. */
export async function latestAuditEntries(
  db: Queryable,
  filter: { limit: number; action?: string },
): Promise<StoredAuditEntry[]> {
  const { rows } = await db.query<{
    id: string;
    actor: string;
    action: string;
    target: string | null;
    details: Record<string, unknown>;
    at: Date | string;
  }>(
    `SELECT id::text, actor, action, target, details, at FROM audit_log
         WHERE ($2::text IS NULL OR action = $2) ORDER BY id DESC LIMIT $1`,
    [filter.limit, filter.action ?? null],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}
