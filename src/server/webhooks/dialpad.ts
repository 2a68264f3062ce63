import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { CallEvent, CallState } from '../../contract/calls.ts';
import type { CallDeps } from '../calls/call-intake.ts';
import {
  callerNumber,
  deliverCallEvent,
  ignored,
  invalidPart,
  notConfigured,
  unauthorized,
  webhookResponses,
} from './shared.ts';

/**
 * Dialpad call states (`call_states` of dialpad/dialpad-python-sdk
 * src/dialpad/schemas/call_event_subscription.py) that move a panel. `calling` is the Dialpad
 * user dialling out; `missed` and `voicemail` end a call nobody answered. The states' meanings
 * are not spelled out in Dialpad's docs (https://developers.dialpad.com/docs/call-events); this
 * is the plain reading of their names. Every other state (preanswer, queued, hold, postcall,
 * recap_*, ...) answers 204.
 */
const stateMap: Record<string, CallState> = {
  ringing: 'ringing',
  calling: 'ringing',
  connected: 'connected',
  hangup: 'ended',
  missed: 'ended',
  voicemail: 'ended',
};

const callIdSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{1,20}$/, 'is not a call id'),
]);

/**
 * The JWT's claims are the call event (field docs: CallProto in dialpad/dialpad-python-sdk
 * src/dialpad/schemas/call.py; names confirmed by a real payload quoted in a public handler).
 */
const dialpadCallEventSchema = z.looseObject({
  // "A unique number ID automatically assigned to each call."
  call_id: callIdSchema,
  // "Current call state."
  state: z.string().min(1),
  // "The phone number external to your organization." (the customer, either direction)
  external_number: z.string().nullable().optional(),
  // "Timestamp of when this call event happened." (epoch milliseconds)
  event_timestamp: z.number().int().nonnegative().max(253_402_300_799_999).optional(),
  // "This is the target that the Dialpad user dials or receives a call from." {id, type, email}
  target: z
    .looseObject({
      id: z.union([z.number().int(), z.string()]).optional(),
      type: z.string().optional(),
      email: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * The claims, with integers past 2^53 kept as their digits: Dialpad's call ids are ~6e15, close
 * to where a JSON number stops being exact. Node's JSON.parse hands the reviver the source text.
 */
function claimsOf(jwt: string): unknown {
  const payload = Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8');
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source
      ? /^\d+$/.test(context.source)
        ? context.source
        : value
      : value;
  return JSON.parse(payload, reviver as (key: string, value: unknown) => unknown);
}

export function dialpadWebhook(app: FastifyInstance, deps: CallDeps, secret: string | null) {
  const key = secret ? new TextEncoder().encode(secret) : null;
  app.register(async (scope) => {
    // Dialpad's Content-Type for the JWT body is not documented (application/jwt, text/plain
    // and application/json are all plausible), so this route alone reads any body as text.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_r, body, done) =>
      done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/webhooks/dialpad',
      {
        config: { role: 'public' },
        schema: {
          tags: ['integration'],
          summary: 'Dialpad call events (an HS256 JWT signed with the webhook secret)',
          description:
            'The body is the compact JWT Dialpad sends when the webhook has a secret ("the ' +
            'webhook events will be encoded and signed in the JWT format using the shared secret ' +
            'with the HS256 algorithm"); its claims are the call event. States ringing and ' +
            'calling, connected, hangup / missed / voicemail move the call; others, and targets ' +
            'that are not a user, answer 204. The agent is `target.email` (or `target.id`). ' +
            '401: not a JWT signed with LOOPDESK_DIALPAD_WEBHOOK_SECRET using HS256; 404: that ' +
            'variable is not set.',
          consumes: ['application/jwt', 'text/plain'],
          body: z
            .string()
            .optional()
            .describe('header.payload.signature, base64url; the claims are the call event'),
          response: webhookResponses,
        },
        onRequest: async () => {
          if (!key) throw notConfigured('Dialpad', 'LOOPDESK_DIALPAD_WEBHOOK_SECRET');
        },
      },
      async (request, reply) => {
        const jwt = request.body?.trim() ?? '';
        // Not a JWT at all is a 401, not a 400: the body is the credential, and a request
        // that cannot be authenticated learns nothing about what a good payload looks like.
        if (!jwt) throw unauthorized('The body is empty; Dialpad sends a signed JWT.');
        try {
          await jwtVerify(jwt, key!, { algorithms: ['HS256'] });
        } catch (error) {
          if (!(error instanceof joseErrors.JOSEError)) throw error;
          throw unauthorized(
            `The body is not a JWT signed with LOOPDESK_DIALPAD_WEBHOOK_SECRET using HS256 ` +
              `(${error.code}: ${error.message}).`,
          );
        }
        const parsed = dialpadCallEventSchema.safeParse(claimsOf(jwt));
        if (!parsed.success) throw invalidPart('body', parsed.error);
        const claims = parsed.data;
        const state = stateMap[claims.state];
        if (!state) return ignored(request, reply, `Dialpad state ${claims.state}`);
        const target = claims.target ?? undefined;
        // Public handlers keep only user targets; a call centre's or a department's leg is not
        // an agent's (the agent's own leg arrives with its own call_id).
        if (target?.type !== undefined && target.type.toLowerCase() !== 'user') {
          return ignored(request, reply, `Dialpad target type ${target.type}`);
        }
        const agent = target?.email || (target?.id !== undefined ? String(target.id) : undefined);
        const event: CallEvent = {
          callId: String(claims.call_id),
          ...(agent ? { agent } : {}),
          from: callerNumber(claims.external_number),
          state,
          ...(claims.event_timestamp !== undefined
            ? { occurredAt: new Date(claims.event_timestamp).toISOString() }
            : {}),
        };
        // No event id: a call's state names one event (a transfer is a new call_id).
        return deliverCallEvent(
          deps,
          request,
          reply,
          event,
          'dialpad',
          `${claims.call_id}:${claims.state}`,
          {
            callId: 'call_id',
            agent: target?.email ? 'target.email' : 'target.id',
            from: 'external_number',
            state: 'state',
            occurredAt: 'event_timestamp',
          },
        );
      },
    );
  });
}
