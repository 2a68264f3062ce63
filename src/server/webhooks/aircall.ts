import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
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
import { secretsEqual } from './secrets.ts';

/**
 * Call events that move a panel (https://developer.aircall.io/docs/webhooks-overview).
 * `call.ringing_on_agent`: the agent in `data.user` is being rung (how public integrations read
 * it; the docs do not spell it out). `call.answered`: "An agent answers an inbound call, or a
 * recipient answers an outbound call." `call.hungup`: "Fires immediately when a call ends";
 * `call.ended`: "Fires about 30 seconds after a call e[nds]" with the full record, so whichever
 * comes first ends the call and the other changes nothing. Every other event answers 204.
 */
const eventStates: Record<string, CallState> = {
  'call.ringing_on_agent': 'ringing',
  'call.answered': 'connected',
  'call.hungup': 'ended',
  'call.ended': 'ended',
};

/**
 * The envelope every Aircall webhook has (https://developer.aircall.io/docs/webhooks-overview).
 * The quoted field docs are the Aircall API reference's, as hookdeck/webhook-skills
 * skills/aircall-webhooks/references/overview.md (commit f8b1c62d) quotes them; that write-up
 * also has "Aircall has no signature header and no cryptographic signature".
 */
const aircallEnvelopeSchema = z.looseObject({
  // "Name of the resource for this event." (call, user, number, contact, ...)
  resource: z.string(),
  // "Event's name for this payload."
  event: z.string(),
  // "UNIX timestamp for when the payload was built, in UTC." (seconds)
  timestamp: z.number().int().nonnegative().max(253_402_300_799, 'is past the year 9999'),
  // "Token associated to the Webhook. Use it to identify from which Aircall account a Webhook
  // event is sent from." The only credential: Aircall signs nothing.
  token: z.string(),
  // "Modelization of the resource at the timestamp value."
  data: z.record(z.string(), z.unknown()),
});

/**
 * The Call object's fields LoopDesk reads (Aircall API reference, Call object; the
 * "+1 800-123-4567" sample is its call.created example, quoted by the same hookdeck file).
 */
const aircallCallSchema = z.looseObject({
  // "Unique identifier for the Call. Please note, Call id Data Type is Int64"
  id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, 'is not a call id')]),
  // "International format of the number of the caller or the callee. For an anonymous call, the
  // value is anonymous." Display-formatted ("+1 800-123-4567"), which the intake normalises.
  raw_digits: z.string().nullable().optional(),
  // "Full User object who took or made the Call." (id integer, email)
  user: z
    .looseObject({
      id: z.union([z.number().int(), z.string()]).optional(),
      email: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

export function aircallWebhook(app: FastifyInstance, deps: CallDeps, token: string | null) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/webhooks/aircall',
    {
      config: { role: 'public' },
      schema: {
        tags: ['integration'],
        summary: 'Aircall call webhooks (the webhook token in the body) become call events',
        description:
          'Events call.ringing_on_agent, call.answered, call.hungup and call.ended; others ' +
          'answer 204. The agent is `data.user.email` (or `data.user.id`), mapped with ' +
          '`loopdesk agents map`. 401: the body’s `token` is not LOOPDESK_AIRCALL_WEBHOOK_TOKEN; ' +
          '404: that variable is not set.',
        body: aircallEnvelopeSchema,
        response: webhookResponses,
      },
      onRequest: async () => {
        if (!token) throw notConfigured('Aircall', 'LOOPDESK_AIRCALL_WEBHOOK_TOKEN');
      },
      preValidation: async (request) => {
        const body = request.body as { token?: unknown } | null;
        const received = body !== null && typeof body === 'object' ? body.token : undefined;
        if (typeof received !== 'string') throw unauthorized('The body carries no Aircall token.');
        if (!secretsEqual(received, token!)) {
          throw unauthorized('The body’s token is not the Aircall webhook token configured.');
        }
      },
    },
    async (request, reply) => {
      const envelope = request.body;
      const state = eventStates[envelope.event];
      if (envelope.resource !== 'call' || !state) {
        return ignored(request, reply, `Aircall event ${envelope.event}`);
      }
      const parsed = aircallCallSchema.safeParse(envelope.data);
      if (!parsed.success) throw invalidPart('body.data', parsed.error);
      const call = parsed.data;
      const user = call.user ?? undefined;
      const agent = user?.email || (user?.id !== undefined ? String(user.id) : undefined);
      const event: CallEvent = {
        callId: String(call.id),
        ...(agent ? { agent } : {}),
        from: callerNumber(call.raw_digits),
        state,
        occurredAt: new Date(envelope.timestamp * 1000).toISOString(),
      };
      // No event id: the call and the event name one delivery (Aircall delivers "at least
      // once", so a retry carries both again).
      return deliverCallEvent(
        deps,
        request,
        reply,
        event,
        'aircall',
        `${call.id}:${envelope.event}`,
        {
          callId: 'data.id',
          agent: user?.email ? 'data.user.email' : 'data.user.id',
          from: 'data.raw_digits',
          occurredAt: 'timestamp',
        },
      );
    },
  );
}
