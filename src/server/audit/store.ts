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
