import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemSchema } from '../../contract/index.ts';
import { conversationClosedSchema } from '../../contract/conversations.ts';
import { closeConversation } from '../conversations/store.ts';
import type { Db } from '../db/db.ts';
import { secretsEqual } from './secrets.ts';

/** What a chat console's close webhook answers (a problem otherwise: the route says which). */
export const chatCloseResponses = {
  202: conversationClosedSchema,
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
} as const;

/** Hex HMAC of the raw body bytes (never of re-serialised JSON), for a signature header. */
export function hmacHex(algorithm: 'sha1' | 'sha256', secret: string, ...parts: Buffer[]): string {
  const hmac = createHmac(algorithm, secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Whether `received` (a header) is `<prefix>=<hex>` of the expected digest, in constant time. */
export function signatureMatches(received: string | undefined, prefix: string, hex: string) {
  return received !== undefined && secretsEqual(received.trim().toLowerCase(), `${prefix}=${hex}`);
}

/**
 * Registers a close webhook whose body is read as raw bytes: the signature is over the exact
 * bytes sent, so the route parses the JSON itself, once the signature has matched.
 */
export function rawJsonWebhook(
  app: FastifyInstance,
  register: (scope: FastifyInstance) => void,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
    register(scope);
  });
}

/** The body as JSON, once authenticated; a 400 naming the body otherwise. */
export function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Closes `<console>:<id>` and answers 202 with the chat contact it became (or null). */
export async function answerClosed(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  conversation: string,
  closedAt: Date,
) {
  const contact = await db.transaction((tx) => closeConversation(tx, conversation, closedAt));
  if (!contact) request.log.info({ conversation }, 'closed conversation LoopDesk never showed');
  return reply.code(202).send({ conversation, contact });
}
