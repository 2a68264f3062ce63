import { z } from 'zod';
import { customerRefSchema } from '../../src/contract/customer-ref.ts';
import { outcomeRequestSchema } from '../../src/contract/outcome.ts';
import type { MessageType } from './protocol.ts';

/**
 * Runtime shape of every message, for the worker and the pages (never the content script:
 * it stays small). Kept next to the protocol map; `schemas.test.ts` pins that both list the
 * same message types.
 */
const insightsRequestQuerySchema = z.strictObject({
  crm: z.string().min(1).max(40).optional(),
  type: z.string().min(1).max(60).optional(),
  id: z.string().min(1).max(200).optional(),
  email: z.string().min(3).max(254).optional(),
  phone: z.string().min(3).max(40).optional(),
  context: z.string().min(1).max(200).optional(),
});

const tabCustomerSchema = z.object({
  tabId: z.number().int().nonnegative(),
  ref: customerRefSchema.nullable(),
  url: z.string().max(4096),
  detectedAt: z.string(),
});

const empty = z.strictObject({});
const tabId = z.number().int().nonnegative();

export const messageSchemas = {
  'customer-detected': z.strictObject({
    ref: customerRefSchema.nullable(),
    url: z.url().max(4096),
  }),
  'get-tab-customer': z.strictObject({ tabId }),
  'get-insights': z.strictObject({
    query: insightsRequestQuerySchema.refine(
      (q) => Boolean((q.crm && q.id) || q.email || q.phone),
      {
        message: 'give crm and id, or email, or phone',
      },
    ),
  }),
  'record-outcome': z.strictObject({ outcome: outcomeRequestSchema }),
  'get-outbox': z.strictObject({ decisionIds: z.array(z.string().max(100)).max(200).optional() }),
  'flush-outbox': empty,
  'get-status': empty,
  'set-backend-url': z.strictObject({ backendUrl: z.string().trim().min(1).max(2048) }),
  'set-token': z.strictObject({ token: z.string().trim().min(8).max(4096) }),
  'clear-token': empty,
  'tab-customer-changed': z.strictObject({ tabId, customer: tabCustomerSchema.nullable() }),
  'outbox-changed': empty,
} satisfies Record<MessageType, z.ZodType>;

export type ParsedMessage = {
  [T in MessageType]: { type: T } & z.infer<(typeof messageSchemas)[T]>;
}[MessageType];

export type ParseResult = { ok: true; message: ParsedMessage } | { ok: false; error: string };

/** Validates an untrusted message; the error names the field at fault. */
export function parseMessage(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null || !('type' in raw)) {
    return { ok: false, error: 'message has no type' };
  }
  const { type, ...rest } = raw as { type: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(messageSchemas, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(type).slice(0, 60)}` };
  }
  const schema = messageSchemas[type as MessageType];
  const result = schema.safeParse(rest);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(message)';
    return {
      ok: false,
      error: `invalid '${type}' message: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, message: { type, ...result.data } as ParsedMessage };
}
