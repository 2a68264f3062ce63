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
