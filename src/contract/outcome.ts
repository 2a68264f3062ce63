import { z } from 'zod';
import { timestampSchema } from './timestamps.ts';

export const outcomeResults = ['offered', 'accepted', 'declined', 'not_offered'] as const;

/** The short list of reasons a CSR picks from when a customer declines or nothing is offered. */
export const declineReasons = [
  'not_interested',
  'too_expensive',
  'bad_timing',
  'already_has_it',
  'customer_upset',
  'no_time_on_call',
  'other',
] as const;

/** `POST /v1/outcomes`, sent with an `Idempotency-Key` header. */
export const outcomeRequestSchema = z
  .strictObject({
    decisionId: z.string().min(1).max(100),
    treatmentId: z.string().min(1).max(100).optional(),
    result: z.enum(outcomeResults),
    reason: z.enum(declineReasons).optional(),
    note: z.string().max(2000).optional(),
    /** When the CSR recorded it, ISO 8601; the outbox may deliver it much later. */
    occurredAt: timestampSchema,
  })
  .refine((o) => o.result !== 'declined' || o.reason !== undefined, {
    message: 'a declined outcome needs a reason',
    path: ['reason'],
  });
export type OutcomeRequest = z.infer<typeof outcomeRequestSchema>;

export const outcomeResponseSchema = z.object({
  id: z.string(),
  decisionId: z.string(),
  /** True when this Idempotency-Key was seen before and nothing new was stored. */
  duplicate: z.boolean(),
});

/**
 * `POST /v1/outcomes/retractions`: the CSR takes back an outcome they recorded (Undo). It is
 * named by the caller's own Idempotency-Key, the one the outbox sent it with, since the outbox
 * may never have learnt the outcome's id. The outcome is kept, marked retracted.
 */
export const outcomeRetractionRequestSchema = z.strictObject({
  idempotencyKey: z.string().min(8).max(200),
  /** When the CSR took it back, ISO 8601; the outbox may deliver it much later. */
  retractedAt: timestampSchema,
});
export type OutcomeRetractionRequest = z.infer<typeof outcomeRetractionRequestSchema>;

export const outcomeRetractionResponseSchema = z.object({
  id: z.string(),
  decisionId: z.string(),
  idempotencyKey: z.string(),
  /** When it was taken back: the first retraction's time, however often it is sent again. */
  retractedAt: z.string(),
  /** True when this outcome was already retracted and nothing changed. */
  duplicate: z.boolean(),
});
export type OutcomeRetractionResponse = z.infer<typeof outcomeRetractionResponseSchema>;
