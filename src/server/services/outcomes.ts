import type { OutcomeRequest } from '../../contract/index.ts';
import { audit } from '../audit.ts';
import { UNSEGMENTED } from '../../nba/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import { HttpProblem } from '../http/problem.ts';

export interface RecordedOutcome {
  id: string;
  decisionId: string;
  duplicate: boolean;
}

/** Accepted and declined outcomes of a treatment teach its propensity in the decision's segment. */
async function countForLearning(
  tx: Queryable,
  request: OutcomeRequest,
  segment: string | null,
): Promise<void> {
  if (!request.treatmentId || (request.result !== 'accepted' && request.result !== 'declined')) {
    return;
  }
  const accepted = request.result === 'accepted' ? 1 : 0;
  await tx.query(
    `INSERT INTO nba_tallies (segment, treatment_key, accepted, declined) VALUES ($1, $2, $3, $4)
     ON CONFLICT (segment, treatment_key) DO UPDATE SET
       accepted = nba_tallies.accepted + excluded.accepted,
       declined = nba_tallies.declined + excluded.declined`,
    [segment ?? UNSEGMENTED, request.treatmentId, accepted, 1 - accepted],
  );
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

    const decision = uuidPattern.test(request.decisionId)
      ? (
          await tx.query<{ segment: string | null }>(
            'SELECT segment FROM decisions WHERE id = $1',
            [request.decisionId],
          )
        ).rows[0]
      : undefined;
    if (!decision) {
      throw new HttpProblem(404, 'Unknown decision', `No decision has id "${request.decisionId}".`);
    }
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, reason, note, idempotency_key,
         occurred_at, segment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
        decision.segment,
      ],
    );
    const inserted = rows[0];
    if (!inserted) {
      // Another delivery of the same key committed between our check and our insert.
      const raced = await findExisting();
      return { id: raced!.id, decisionId: raced!.decision_id, duplicate: true };
    }
    await countForLearning(tx, request, decision.segment);
    await audit(tx, {
      actor: agent,
      action: 'outcome.create',
      target: inserted.id,
      details: { decisionId: request.decisionId, result: request.result, idempotencyKey },
    });
    return { id: inserted.id, decisionId: request.decisionId, duplicate: false };
  });
}
