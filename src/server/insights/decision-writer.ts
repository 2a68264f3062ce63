import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.ts';

/** One decision row and the audit entry that goes with it. */
export interface DecisionRecord {
  customerKey: string;
  agent: string;
  context: string | null;
  controlGroup: boolean;
  noActionReason: string | null;
  noActionCode: string | null;
  segment: string | null;
  /** JSON texts, stored as jsonb. */
  suggestions: string;
  routing: string;
  modelVersions: string;
  ruleVersion: string | null;
  auditDetails: string;
  /** When the decision was made, ISO 8601; default now. The demo seed writes past work. */
  createdAt?: string;
}

interface Pending {
  id: string;
  record: DecisionRecord;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

/**
 * Stores decisions with their audit entries, many per statement (group commit): a request's
 * decision joins the batch that is gathering, and the batch is written as soon as the previous
 * one has committed. Under load one INSERT and one commit serve every decision that arrived
 * meanwhile; alone, a decision is written at once. `write` resolves with the decision's id only
 * after its row and audit entry are committed (the commit is synchronous: an id the client gets
 * is stored), and rejects when they could not be stored.
 *
 * The ids are made here (random UUIDs, as the column's default would) so the audit entries can
 * name their decision in the same statement.
 */
export class DecisionWriter {
  private gathering: Pending[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly db: Queryable,
    private readonly maxBatch = 256,
  ) {}

  write(record: DecisionRecord): Promise<string> {
    return new Promise((resolve, reject) => {
      this.gathering.push({ id: randomUUID(), record, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // Decisions finished in this turn of the event loop join the same batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.gathering.length === 0) return;
    this.writing = true;
    const batch = this.gathering.splice(0, this.maxBatch);
    try {
      await this.store(batch);
    } finally {
      this.writing = false;
      if (this.gathering.length > 0) this.schedule();
    }
  }

  /** Settles every request of the batch, whatever happens. */
  private async store(batch: Pending[]): Promise<void> {
    try {
      await insertDecisions(this.db, batch);
      for (const pending of batch) pending.resolve(pending.id);
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    // One bad row (say, a customer deleted meanwhile) must not fail the others: one at a time.
    for (const pending of batch) {
      try {
        await insertDecisions(this.db, [pending]);
        pending.resolve(pending.id);
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}

function insertDecisions(db: Queryable, batch: Pending[]): Promise<unknown> {
  const column = <T>(pick: (record: DecisionRecord) => T) => batch.map((p) => pick(p.record));
  return db.query(
    `WITH decision AS (
       INSERT INTO decisions (id, customer_id, agent, context, control_group, no_action_reason,
         suggestions, routing, rule_version, model_versions, segment, no_action_code, created_at)
       SELECT u.id, u.customer_id, u.agent, u.context, u.control_group, u.no_action_reason,
         u.suggestions, u.routing, u.rule_version, u.model_versions, u.segment, u.no_action_code,
         COALESCE(u.created_at, now())
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::boolean[],
         $6::text[], $7::jsonb[], $8::jsonb[], $9::text[], $10::jsonb[], $11::text[], $12::text[],
         $14::timestamptz[])
         AS u (id, customer_id, agent, context, control_group, no_action_reason, suggestions,
           routing, rule_version, model_versions, segment, no_action_code, created_at)
       RETURNING id, agent, created_at
     )
     INSERT INTO audit_log (actor, action, target, details, at)
     SELECT decision.agent, 'decision.create', decision.id::text, entry.details, decision.created_at
     FROM unnest($1::uuid[], $13::jsonb[]) WITH ORDINALITY AS entry (id, details, n)
       JOIN decision ON decision.id = entry.id
     ORDER BY entry.n`,
    [
      batch.map((p) => p.id),
      column((r) => r.customerKey),
      column((r) => r.agent),
      column((r) => r.context),
      column((r) => r.controlGroup),
      column((r) => r.noActionReason),
      column((r) => r.suggestions),
      column((r) => r.routing),
      column((r) => r.ruleVersion),
      column((r) => r.modelVersions),
      column((r) => r.segment),
      column((r) => r.noActionCode),
      column((r) => r.auditDetails),
      column((r) => r.createdAt ?? null),
    ],
  );
}
