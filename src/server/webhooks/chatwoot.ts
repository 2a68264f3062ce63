import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import {
  answerClosed,
  chatCloseResponses,
  hmacHex,
  jsonOf,
  rawJsonWebhook,
  signatureMatches,
} from './chat-close.ts';
import { ignored, invalidPart, invalidPayload, notConfigured, unauthorized } from './shared.ts';

/** Chatwoot's advice with its signatures: refuse a timestamp further off than about 5 minutes. */
const maxClockSkewSeconds = 300;

/**
 * A conversation event of a Chatwoot account webhook (chatwoot/chatwoot
 * app/listeners/webhook_listener.rb posts `conversation.webhook_data` plus `event`;
 * app/presenters/conversations/event_data_presenter.rb: `id` is the display id, `status`,
 * `messages` with their `account_id`). Conversation events carry no account of their own.
 */
const chatwootEventSchema = z.looseObject({
  event: z.string().max(100),
  id: z.number().int().positive().max(999_999_999_999).optional(),
  status: z.string().max(40).optional(),
  messages: z
    .array(z.looseObject({ account_id: z.number().int().positive().optional() }))
    .optional(),
});

/**
 * `POST /v1/webhooks/chatwoot[?account=<n>]`: a Chatwoot conversation resolved (event
 * `conversation_status_changed` with `status: resolved`; the older `conversation_resolved` too:
 * chatwoot/docs docs/product/others/webhook-events.md) closes it here. Signed since Chatwoot
 * 4.11.2 (chatwoot/chatwoot PR #13573): `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of
 * "<X-Chatwoot-Timestamp>.<raw body>">` with the webhook's secret. The account is the `account`
 * query parameter the admin put in the webhook URL, else the first message's `account_id`.
 */
export function chatwootWebhook(app: FastifyInstance, db: Db, secret: string | null) {
  rawJsonWebhook(app, (scope) => {
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/webhooks/chatwoot',
      {
        config: { role: 'public' },
        schema: {
          tags: ['integration'],
          summary: 'Chatwoot conversations resolved (X-Chatwoot-Signature) end chat contacts',
          description:
            'Event conversation_status_changed with status resolved (or conversation_resolved) ' +
            'closes conversation `<account>/<id>`; if LoopDesk showed it, it is a chat contact ' +
            'ending now. `account`: the query parameter, else messages[0].account_id. Other ' +
            'events answer 204. 401: X-Chatwoot-Signature is not sha256= the HMAC-SHA256 of ' +
            '"<X-Chatwoot-Timestamp>.<body>" with LOOPDESK_CHATWOOT_WEBHOOK_SECRET, or the ' +
            'timestamp is more than 5 minutes off; 404: that variable is not set.',
          querystring: z.object({
            account: z
              .string()
              .regex(/^\d{1,10}$/, 'is not a Chatwoot account id')
              .optional(),
          }),
          response: chatCloseResponses,
        },
        // After the request-wide text checks (a NUL in `account` is a 400 on every route).
        preValidation: async () => {
          if (!secret) throw notConfigured('Chatwoot', 'LOOPDESK_CHATWOOT_WEBHOOK_SECRET');
        },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = (name: string) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        const timestamp = header('x-chatwoot-timestamp')?.trim() ?? '';
        const signature = header('x-chatwoot-signature');
        if (!signature || !timestamp) {
          throw unauthorized(
            'X-Chatwoot-Signature or X-Chatwoot-Timestamp is missing (Chatwoot signs webhooks ' +
              'from version 4.11.2 on).',
          );
        }
        const expected = hmacHex('sha256', secret!, Buffer.from(`${timestamp}.`), body);
        if (!signatureMatches(signature, 'sha256', expected)) {
          throw unauthorized(
            'X-Chatwoot-Signature is not the HMAC-SHA256 of "<timestamp>.<body>" with ' +
              'LOOPDESK_CHATWOOT_WEBHOOK_SECRET.',
          );
        }
        const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
        if (!(Math.abs(Date.now() / 1000 - sentAt) <= maxClockSkewSeconds)) {
          throw unauthorized(
            `X-Chatwoot-Timestamp ${timestamp.slice(0, 20)} is more than 5 minutes off this server's clock.`,
          );
        }
        const parsed = chatwootEventSchema.safeParse(jsonOf(body));
        if (!parsed.success) throw invalidPart('body', parsed.error);
        const event = parsed.data;
        const resolved =
          event.event === 'conversation_resolved' ||
          (event.event === 'conversation_status_changed' && event.status === 'resolved');
        if (!resolved) return ignored(request, reply, `Chatwoot ${event.event} ${event.status}`);
        const account = request.query.account ?? event.messages?.[0]?.account_id?.toString();
        if (!event.id) throw invalidPayload([{ path: 'body.id', message: 'is required' }]);
        if (!account) {
          throw invalidPayload([
            {
              path: 'query.account',
              message: 'is required when no message names the account: add ?account=<id>',
            },
          ]);
        }
        return answerClosed(db, request, reply, `chatwoot:${account}/${event.id}`, new Date());
      },
    );
  });
}
