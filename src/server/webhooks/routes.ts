import type { FastifyInstance } from 'fastify';
import type { CallDeps } from '../calls/call-intake.ts';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { aircallWebhook } from './aircall.ts';
import { chatwootWebhook } from './chatwoot.ts';
import { intercomWebhook } from './intercom.ts';
import { amazonConnectWebhook } from './amazon-connect.ts';
import { dialpadWebhook } from './dialpad.ts';
import { twilioWebhook } from './twilio.ts';

export type WebhookConfig = Pick<
  ServerConfig,
  | 'publicUrl'
  | 'twilioAuthToken'
  | 'aircallWebhookToken'
  | 'dialpadWebhookSecret'
  | 'connectApiKey'
  | 'intercomClientSecret'
  | 'chatwootWebhookSecret'
>;

/**
 * `POST /v1/webhooks/{twilio,aircall,dialpad,amazon-connect}`: each platform's own call events,
 * authenticated by that platform's signature or shared secret (the routes are public to the
 * bearer-token check), mapped onto a call event and taken like `POST /v1/calls`. A platform
 * whose secret is not configured answers 404.
 */
export function webhookRoutes(
  app: FastifyInstance,
  { calls, config, db }: { calls: CallDeps; config: WebhookConfig; db: Db },
): void {
  twilioWebhook(app, calls, { authToken: config.twilioAuthToken, publicUrl: config.publicUrl });
  aircallWebhook(app, calls, config.aircallWebhookToken);
  dialpadWebhook(app, calls, config.dialpadWebhookSecret);
  amazonConnectWebhook(app, calls, config.connectApiKey);
  // Chat consoles: a conversation closed there ends its chat contact here.
  intercomWebhook(app, db, config.intercomClientSecret);
  chatwootWebhook(app, db, config.chatwootWebhookSecret);
}
