import type { OutcomeRequest } from '../../contract/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/db.ts';
import { HttpProblem } from '../http/problem.ts';

export interface RecordedOutcome {
  id: string;
  decisionId: string;
  duplicate: boolean;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stores an outcome once per Idempotency-Key: the outbox may deliver the same outcome many
 * times, and every delivery after the first returns the first outcome marked `duplicate`.
 */
export async function recordOutcome(
  db: Db,
  input: { request: OutcomeRequest; idempotencyKey: string; agent: string },
): Promise<RecordedOutcome> {
  const { request, idempotencyKey, agent } = input;
  return db.transaction(async (tx) => {
    const findExisting = async () =>
      (
        await tx.query<{ id: string; decision_id: string }>(
          'SELECT id::text, decision_id::text FROM outcomes WHERE idempotency_key = $1',
          [idempotencyKey],
        )
      ).rows[0];
    const existing = await findExisting();
    if (existing) return { id: existing.id, decisionId: existing.decision_id, duplicate: true };

    const decisionExists =
      uuidPattern.test(request.decisionId) &&
      (await tx.query('SELECT 1 FROM decisions WHERE id = $1', [request.decisionId])).rows.length >
        0;
    if (!decisionExists) {
      throw new HttpProblem(404, 'Unknown decision', `No decision has id "${request.decisionId}".`);
    }
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, reason, note, idempotency_key, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`,
      [
        request.decisionId,
        request.treatmentId ?? null,
        agent,
        request.result,
        request.reason ?? null,
        request.note ?? null,
        idempotencyKey,
        request.occurredAt,
      ],
    );
    const inserted = rows[0];
    if (!inserted) {
      // Another delivery of the same key committed between our check and our insert.
      const raced = await findExisting();
      return { id: raced!.id, decisionId: raced!.decision_id, duplicate: true };
    }
    await audit(tx, {
      actor: agent,
      action: 'outcome.create',
      target: inserted.id,
      details: { decisionId: request.decisionId, result: request.result, idempotencyKey },
    });
    return { id: inserted.id, decisionId: request.decisionId, duplicate: false };
  });
}
