import { z } from 'zod';
import { callCustomerSchema } from '../../src/contract/calls.ts';
import { customerRefSchema } from '../../src/contract/customer-ref.ts';
import {
  detectionCrmSchema,
  detectionPageKindSchema,
  detectionResults,
} from '../../src/contract/detection-health.ts';
import { insightsQueryNamesCustomer, insightsQueryShape } from '../../src/contract/insights.ts';
import {
  outcomeRequestSchema,
  outcomeRetractionRequestSchema,
} from '../../src/contract/outcome.ts';
import type { MessageType } from './protocol.ts';

/**
 * Runtime shape of every message, for the worker and the pages (never the content script:
 * it stays small). Kept next to the protocol map: `satisfies Record<MessageType, …>` below makes
 * both list the same message types.
 */
// The backend's own query schema, strict: a message with a field the backend would drop is refused.
const insightsRequestQuerySchema = z
  .strictObject(insightsQueryShape)
  .refine(insightsQueryNamesCustomer.check, { message: insightsQueryNamesCustomer.message });

const tabCustomerSchema = z.object({
  tabId: z.number().int().nonnegative(),
  ref: customerRefSchema.nullable(),
  url: z.string().max(4096),
  detectedAt: z.string(),
  signals: z.lazy(() => detectionSignalsSchema).optional(),
});

const detectionSignal = z.enum(['api', 'url', 'page']);
// No email address or URL fits in a CRM id (built-in and rule ids alike are slugs).
const crmId = detectionCrmSchema;
const pageKind = detectionPageKindSchema;

const detectionSignalsSchema = z.strictObject({
  crm: crmId,
  pageKind: pageKind.nullable(),
  api: z.enum(['found', 'none', 'failed', 'pending', 'not-offered']),
  url: z.enum(['found', 'none']),
  page: z.enum(['found', 'none']),
  chosen: detectionSignal.nullable(),
});

// What a content script may say of a call: a phase, a number (as shown: digits and the usual
// punctuation only), a softphone's own call id; nothing else reaches the worker.
const softphoneCallSchema = z.strictObject({
  softphone: crmId,
  phase: z.enum(['ringing', 'connected', 'held', 'ended']),
  remote: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ().-]{3,40}$/, 'a phone number')
    .nullable(),
  withheld: z.boolean(),
  callId: z
    .string()
    .max(120)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
    .optional(),
});

const currentCallSchema = z.strictObject({
  key: z.string().max(200),
  source: z.enum(['softphone', 'server']),
  platform: z.string().max(60),
  phase: z.enum(['ringing', 'connected', 'held', 'ended']),
  remote: z.string().max(64).nullable(),
  withheld: z.boolean(),
  customer: callCustomerSchema.optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
});

const empty = z.strictObject({});
const tabId = z.number().int().nonnegative();

export const messageSchemas = {
  'customer-detected': z.strictObject({
    ref: customerRefSchema.nullable(),
    url: z.url().max(4096),
    signals: detectionSignalsSchema.optional(),
  }),
  'call-detected': z.strictObject({
    call: softphoneCallSchema.nullable(),
    url: z.url().max(4096),
  }),
  'get-current-call': empty,
  'detection-observed': z.strictObject({
    crm: crmId,
    pageKind,
    result: z.enum(detectionResults),
  }),
  // Only these two record reads need the page's session; nothing else is run in the page.
  'crm-api-request': z.discriminatedUnion('pageSessionToken', [
    z.strictObject({
      path: z
        .string()
        .max(2048)
        .regex(
          /^\/api\/now\/table\/[a-z0-9_]{1,80}\/[0-9a-f]{32}\?[^#\s]*$/,
          'a Table API record path',
        ),
      pageSessionToken: z.literal('servicenow-g_ck'),
    }),
    z.strictObject({
      path: z
        .string()
        .regex(
          /^\/api\/v1\/accounts\/\d{1,10}\/conversations\/\d{1,12}$/,
          'a Chatwoot conversation path',
        ),
      pageSessionToken: z.literal('chatwoot-session-cookie'),
    }),
  ]),
  'get-tab-customer': z.strictObject({ tabId }),
  'get-insights': z.strictObject({ query: insightsRequestQuerySchema }),
  'record-outcome': z.strictObject({ outcome: outcomeRequestSchema }),
  // The key the outbox sent the outcome with, as the backend's retraction takes it.
  'retract-outcome': z.strictObject({
    idempotencyKey: outcomeRetractionRequestSchema.shape.idempotencyKey,
  }),
  'get-outbox': z.strictObject({ decisionIds: z.array(z.string().max(100)).max(200).optional() }),
  'flush-outbox': empty,
  'get-status': empty,
  'set-backend-url': z.strictObject({ backendUrl: z.string().trim().min(1).max(2048) }),
  'set-token': z.strictObject({ token: z.string().trim().min(8).max(4096) }),
  'clear-token': empty,
  'check-backend': empty,
  'tab-customer-changed': z.strictObject({ tabId, customer: tabCustomerSchema.nullable() }),
  'call-changed': z.strictObject({ call: currentCallSchema.nullable() }),
  'outbox-changed': empty,
} satisfies Record<MessageType, z.ZodType>;

type ParsedMessage = {
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
