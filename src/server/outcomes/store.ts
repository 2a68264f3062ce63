import { createHash } from 'node:crypto';
import type { OutcomeRequest } from '../../contract/index.ts';
import { audit } from '../audit/store.ts';
import { contactOfDecision } from '../conversations/store.ts';
import { UNSEGMENTED } from '../../nba/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ConflictError, NotFoundError, RejectedInputError } from '../errors.ts';

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

/** JSON with object keys sorted at every level: the order a client wrote them in is irrelevant. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const members = entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical request body: what a replay under the same key must match. */
function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * 409: another request with this caller's key is still inside its transaction. Its outcome
 * is neither stored nor refused yet, so the answer is "ask again shortly", never a guess.
 */
class OutcomeInFlight extends ConflictError {
  constructor(idempotencyKey: string) {
    super(
      'Outcome in flight',
      `An outcome sent with Idempotency-Key "${idempotencyKey}" is still being stored; ` +
        'send it again in a moment.',
      { retryAfterSeconds: 1 },
    );
  }
}

/**
 * Takes the transaction's lock on one caller's key, or throws 409 when another transaction
 * holds it. Recording and retracting take the same lock, so a retraction never passes the
 * outcome it takes back while that is still being stored.
 */
async function lockOutcomeKey(tx: Queryable, agent: string, idempotencyKey: string) {
  // The schema is part of the lock: advisory locks are database-wide.
  const { rows: lock } = await tx.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock(hashtextextended(
       json_build_array('loopdesk.outcome', current_schema(), $1::text, $2::text)::text, 0)
     ) AS locked`,
    [agent, idempotencyKey],
  );
  if (!lock[0]?.locked) throw new OutcomeInFlight(idempotencyKey);
}

/**
 * Stores an outcome once per caller and Idempotency-Key: the outbox may deliver the same
 * outcome many times, and every delivery after the first returns the first outcome marked
 * `duplicate`. Keys are the caller's own (their agent name, which survives a token
 * replacement), and a key reused with another body is refused (422) rather than answered with
 * an outcome that is not the one sent.
 */
export async function recordOutcome(
  db: Db,
  input: { request: OutcomeRequest; idempotencyKey: string; agent: string },
): Promise<RecordedOutcome> {
  const { request, idempotencyKey, agent } = input;
  const fingerprint = requestFingerprint(request);
  return db.transaction(async (tx) => {
    // PostgreSQL makes a second INSERT of the same key wait for the first transaction, and
    // neither can tell the caller anything meanwhile; the try-lock turns that wait into a 409.
    await lockOutcomeKey(tx, agent, idempotencyKey);

    const findExisting = async () =>
      (
        await tx.query<{ id: string; decision_id: string; request_fingerprint: string | null }>(
          `SELECT id::text, decision_id::text, request_fingerprint FROM outcomes
           WHERE agent = $1 AND idempotency_key = $2`,
          [agent, idempotencyKey],
        )
      ).rows[0];
    const replay = (existing: {
      id: string;
      decision_id: string;
      request_fingerprint: string | null;
    }): RecordedOutcome => {
      // NULL: stored before bodies were fingerprinted (migration 080); a replay is taken on trust.
      if (existing.request_fingerprint !== null && existing.request_fingerprint !== fingerprint) {
        throw new RejectedInputError(
          'Idempotency-Key reused',
          `Idempotency-Key "${idempotencyKey}" was already used for a different outcome; ` +
            'send each new outcome with a new key.',
        );
      }
      return { id: existing.id, decisionId: existing.decision_id, duplicate: true };
    };
    const existing = await findExisting();
    if (existing) return replay(existing);

    const decision = uuidPattern.test(request.decisionId)
      ? (
          await tx.query<{ segment: string | null }>(
            'SELECT segment FROM decisions WHERE id = $1',
            [request.decisionId],
          )
        ).rows[0]
      : undefined;
    if (!decision) {
      throw new NotFoundError('Unknown decision', `No decision has id "${request.decisionId}".`);
    }
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, reason, note,
         idempotency_key, occurred_at, segment, request_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (agent, idempotency_key) DO NOTHING RETURNING id::text`,
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
        fingerprint,
      ],
    );
    const inserted = rows[0];
    if (!inserted) {
      // Only a writer that skipped the lock could get here; its row is answered like any replay.
      return replay((await findExisting())!);
    }
    await countForLearning(tx, request, decision.segment);
    await contactOfDecision(tx, request.decisionId);
    await audit(tx, {
      actor: agent,
      action: 'outcome.create',
      target: inserted.id,
      details: { decisionId: request.decisionId, result: request.result, idempotencyKey },
    });
    return { id: inserted.id, decisionId: request.decisionId, duplicate: false };
  });
}

export interface RetractedOutcome {
  id: string;
  decisionId: string;
  idempotencyKey: string;
  retractedAt: string;
  duplicate: boolean;
}

/** 404: nothing this caller recorded goes by this key (another agent's keys are not theirs). */
class UnknownOutcomeKey extends NotFoundError {
  constructor(idempotencyKey: string) {
    super(
      'Unknown outcome',
      `You recorded no outcome with Idempotency-Key "${idempotencyKey}"; ` +
        'only the agent who recorded an outcome may take it back.',
    );
  }
}

/** What countForLearning added for a retracted outcome comes off its tally again. */
async function uncountForLearning(
  tx: Queryable,
  outcome: { treatment_key: string | null; result: string; segment: string | null },
): Promise<void> {
  if (!outcome.treatment_key || (outcome.result !== 'accepted' && outcome.result !== 'declined')) {
    return;
  }
  const accepted = outcome.result === 'accepted' ? 1 : 0;
  // Outcomes written straight into the table (imports, fixtures) were never counted: a tally
  // is lowered only as far as it holds, never below zero.
  await tx.query(
    `UPDATE nba_tallies SET accepted = accepted - $3, declined = declined - $4
     WHERE segment = $1 AND treatment_key = $2 AND accepted >= $3 AND declined >= $4`,
    [outcome.segment ?? UNSEGMENTED, outcome.treatment_key, accepted, 1 - accepted],
  );
}

/**
 * Takes back an outcome the caller recorded under `idempotencyKey` (their Undo). The row stays,
 * marked retracted with when and by whom; the facts kept by trigger (offer status, note search)
 * drop it, and its learning tally is lowered. Retracting again answers the first retraction,
 * marked `duplicate`. Recording it again is a new outcome under a new key.
 */
export async function retractOutcome(
  db: Db,
  input: { idempotencyKey: string; retractedAt: string; agent: string },
): Promise<RetractedOutcome> {
  const { idempotencyKey, retractedAt, agent } = input;
  return db.transaction(async (tx) => {
    await lockOutcomeKey(tx, agent, idempotencyKey);
    const outcome = (
      await tx.query<{
        id: string;
        decision_id: string;
        treatment_key: string | null;
        result: string;
        segment: string | null;
        retracted_at: Date | string | null;
      }>(
        `SELECT id::text, decision_id::text, treatment_key, result, segment, retracted_at
         FROM outcomes WHERE agent = $1 AND idempotency_key = $2`,
        [agent, idempotencyKey],
      )
    ).rows[0];
    if (!outcome) throw new UnknownOutcomeKey(idempotencyKey);
    const answer = (at: Date | string, duplicate: boolean): RetractedOutcome => ({
      id: outcome.id,
      decisionId: outcome.decision_id,
      idempotencyKey,
      retractedAt: new Date(at).toISOString(),
      duplicate,
    });
    if (outcome.retracted_at !== null) return answer(outcome.retracted_at, true);

    const { rows } = await tx.query<{ retracted_at: Date | string }>(
      `UPDATE outcomes SET retracted_at = $2, retracted_by = $3, retraction_received_at = now()
       WHERE id = $1 AND retracted_at IS NULL RETURNING retracted_at`,
      [outcome.id, retractedAt, agent],
    );
    await uncountForLearning(tx, outcome);
    await audit(tx, {
      actor: agent,
      action: 'outcome.retract',
      target: outcome.id,
      details: {
        decisionId: outcome.decision_id,
        result: outcome.result,
        idempotencyKey,
        retractedAt,
      },
    });
    return answer(rows[0]!.retracted_at, false);
  });
}
