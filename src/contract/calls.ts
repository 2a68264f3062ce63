import { z } from 'zod';
import { candidateSchema } from './insights.ts';
import { timestampSchema } from './timestamps.ts';

export const callStates = ['ringing', 'connected', 'ended'] as const;
export type CallState = (typeof callStates)[number];

/** A platform's name as calls and mappings store it: `twilio`, `aircall`, `my-pbx`. */
export const platformSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

/**
 * `POST /v1/calls`: one state of one call. A telephony system (integration token) names the
 * agent; a CSR's own extension reports its calls and may leave `agent` out.
 */
export const callEventSchema = z.strictObject({
  callId: z.string().trim().min(1).max(200),
  /** A LoopDesk agent name, or a telephony user id or email mapped onto one (`agents map`). */
  agent: z.string().trim().min(1).max(320).optional(),
  /**
   * The caller's number in any common format; a word ("anonymous", "restricted") when withheld;
   * empty when the platform does not give it.
   */
  from: z.string().trim().max(64),
  to: z.string().trim().max(64).optional(),
  state: z.enum(callStates),
  platform: platformSchema.optional(),
  occurredAt: timestampSchema.optional(),
});
export type CallEvent = z.infer<typeof callEventSchema>;

const callerSchema = z.object({
  /** E.164, or null when the number is withheld or does not parse. */
  phone: z.string().nullable(),
  /** The number as the platform sent it. */
  raw: z.string(),
  withheld: z.boolean(),
});
export type Caller = z.infer<typeof callerSchema>;

/** Who is calling, as far as the backend knows: one customer, several, or none. */
export const callCustomerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('found'), customer: candidateSchema }),
  z.object({ status: z.literal('ambiguous'), candidates: z.array(candidateSchema) }),
  z.object({ status: z.literal('unknown') }),
]);
export type CallCustomer = z.infer<typeof callCustomerSchema>;

/** A call as the agent's event stream and `POST /v1/calls` describe it. */
export const callSchema = z.object({
  callId: z.string(),
  platform: z.string(),
  state: z.enum(callStates),
  caller: callerSchema,
  customer: callCustomerSchema,
  /** When this state began (the platform's time when it gave one). */
  at: z.string(),
});
export type Call = z.infer<typeof callSchema>;

/** `POST /v1/calls` answers 202 with the call and the agent it was routed to. */
export const callAcceptedSchema = callSchema.extend({
  /** The LoopDesk agent whose stream got the call; null when the agent is not mapped. */
  agent: z.string().nullable(),
  /** True when this exact state of this call was reported before (nothing changed). */
  repeated: z.boolean(),
});
export type CallAccepted = z.infer<typeof callAcceptedSchema>;

/**
 * The key that ties a call's decision to the call (`GET /v1/insights?call=`): platform and call
 * id, so two platforms' ids never collide.
 */
export function callKey(platform: string, callId: string): string {
  return `${platform}:${callId}`;
}
