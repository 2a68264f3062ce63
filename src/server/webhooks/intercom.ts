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
import { ignored, invalidPart, notConfigured, unauthorized } from './shared.ts';

/**
 * Intercom's notification envelope (developers.intercom.com, v1.0 "Signed Notifications"
 * example: `type: notification_event`, `id: notif_…`, `topic`, `app_id`,
 * `data: { type: notification_event_data, item }`), and of its item the conversation id
 * (`data.item.id`, a digit string, in the captured `conversation.admin.closed` notification of
 * hull/hull-connectors packages/connectors/hull-intercom/test/unit/purplefusion/fixtures/
 * webhook-conversation-admin-closed.js).
 */
const intercomNotificationSchema = z.looseObject({
  topic: z.string().max(100),
  created_at: z.number().int().nonnegative().max(253_402_300_799).optional(),
  data: z.looseObject({
    item: z.looseObject({
      id: z.union([z.string().regex(/^\d{1,20}$/, 'is not a conversation id'), z.number().int()]),
    }),
  }),
});

/**
 * `POST /v1/webhooks/intercom`: Intercom's `conversation.admin.closed` ("Subscribe to admin
 * conversation closes": developers.intercom.com webhook models, 1.1 and 2.x) closes that
 * conversation here too. Signed as `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>` (the
 * v1.0 "Signed Notifications" docs); the key is the app's client secret (hookdeck/webhook-skills
 * skills/intercom-webhooks/references/verification.md, triggerdotdev/trigger.dev
 * internal-packages/webhook-sources/src/registry/intercom.ts). Intercom's `ping` and every
 * other topic answer 204; Intercom checks the URL with a HEAD first (setting-up-webhooks docs).
 */
export function intercomWebhook(app: FastifyInstance, db: Db, clientSecret: string | null) {
  rawJsonWebhook(app, (scope) => {
    const configured = async () => {
      if (!clientSecret) throw notConfigured('Intercom', 'LOOPDESK_INTERCOM_CLIENT_SECRET');
    };
    scope.head(
      '/v1/webhooks/intercom',
      { config: { role: 'public' }, schema: { hide: true }, onRequest: configured },
      (_request, reply) => reply.code(200).send(),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/webhooks/intercom',
      {
        config: { role: 'public' },
        schema: {
          tags: ['integration'],
          summary: 'Intercom conversation closes (X-Hub-Signature) end chat contacts',
          description:
            'Topic `conversation.admin.closed`: the conversation `data.item.id` is closed, and ' +
            'if LoopDesk showed it, it is a chat contact ending now (answered with its id). ' +
            'Other topics answer 204. 401: X-Hub-Signature is not sha1= the HMAC-SHA1 of the ' +
            'body with LOOPDESK_INTERCOM_CLIENT_SECRET; 404: that variable is not set.',
          response: chatCloseResponses,
        },
        onRequest: configured,
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['x-hub-signature'];
        const signature = Array.isArray(header) ? header[0] : header;
        if (!signature) throw unauthorized('X-Hub-Signature is missing.');
        if (!signatureMatches(signature, 'sha1', hmacHex('sha1', clientSecret!, body))) {
          throw unauthorized(
            'X-Hub-Signature is not the HMAC-SHA1 of this body with LOOPDESK_INTERCOM_CLIENT_SECRET.',
          );
        }
        const parsed = intercomNotificationSchema.safeParse(jsonOf(body));
        if (!parsed.success) throw invalidPart('body', parsed.error);
        const notification = parsed.data;
        if (notification.topic !== 'conversation.admin.closed') {
          return ignored(request, reply, `Intercom topic ${notification.topic}`);
        }
        const closedAt = notification.created_at
          ? new Date(notification.created_at * 1000)
          : new Date();
        return answerClosed(
          db,
          request,
          reply,
          `intercom:${String(notification.data.item.id)}`,
          closedAt,
        );
      },
    );
  });
}
