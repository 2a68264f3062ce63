import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { callAcceptedSchema, callEventSchema, type CallEvent } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { HttpProblem } from '../http/problem.ts';
import { takeCallEvent, type CallDeps } from '../calls/call-intake.ts';

/** The four platforms, as calls and `loopdesk agents map --platform` name them. */
export type WebhookPlatform = 'twilio' | 'aircall' | 'dialpad' | 'amazon-connect';

export function notConfigured(platform: string, variable: string): HttpProblem {
  return new HttpProblem(
    404,
    'Not Found',
    `${platform} webhooks are not configured: set ${variable}.`,
  );
}

export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, 'Unauthorized', detail);
}

/** A 400 in the shape the API's schema errors have: `path: message` per problem. */
export function invalidPayload(issues: { path: string; message: string }[]): HttpProblem {
  return new HttpProblem(
    400,
    'Invalid request',
    issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    { errors: issues },
  );
}

/** A zod failure on part of the body, named from `root` (`body.data`, `body.detail`). */
export function invalidPart(root: string, error: z.ZodError): HttpProblem {
  return invalidPayload(
    error.issues.map((issue) => ({
      path: [root, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

// Twilio's keypad pseudo-numbers for a withheld caller ID (ANONYMOUS, RESTRICTED, UNKNOWN,
// UNAVAILABLE, BLOCKED): https://help.twilio.com/articles/223179988 as cited in
// bmlt-enabled/yap#132 and somleng/somleng#1820. +266696687 is valid E.164 (Lesotho), so a
// phone parser alone would take it for a real number.
const withheldPseudoNumbers = new Set([
  '+266696687',
  '+7378742833',
  '+8656696',
  '+86282452253',
  '+2562533',
]);
// Aircall documents "anonymous" (raw_digits); Dialpad shows "blocked" for a hidden caller ID
// (outbound_caller_id in dialpad/dialpad-python-sdk src/dialpad/schemas/call.py); Twilio sends
// anonymous / Restricted / Unknown (public issues above).
const withheldWords = /^(anonymous|restricted|unknown|unavailable|private|blocked|withheld)$/i;

/** The caller as `CallEvent.from` takes it: "anonymous" for any withheld form, "" for none. */
export function callerNumber(raw: string | null | undefined): string {
  const trimmed = (raw ?? '').trim();
  if (withheldWords.test(trimmed) || withheldPseudoNumbers.has(trimmed)) return 'anonymous';
  return trimmed;
}

/** Where each `CallEvent` field came from in the platform's payload, for a 400 that names it. */
export type FieldSources = Partial<Record<keyof CallEvent, string>>;

/**
 * Checks the mapped event against the `POST /v1/calls` contract (lengths, timestamp range) and
 * hands it to the call intake; a field out of bounds is a 400 naming the platform's field.
 */
export async function deliverCallEvent(
  deps: CallDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  mapped: CallEvent,
  platform: WebhookPlatform,
  eventKey: string,
  sources: FieldSources,
): Promise<FastifyReply> {
  const checked = callEventSchema.safeParse(mapped);
  if (!checked.success) {
    throw invalidPayload(
      checked.error.issues.map((issue) => {
        const field = issue.path[0] as keyof CallEvent | undefined;
        return {
          path: `body.${(field && sources[field]) ?? String(field ?? '')}`,
          message: issue.message,
        };
      }),
    );
  }
  const recorded = await takeCallEvent(
    deps,
    request.log,
    { ...checked.data, platform },
    { kind: 'integration', name: `${platform}-webhook` },
    eventKey,
  );
  return reply.code(202).send(recorded.accepted);
}

/** An event that is genuine but says nothing a panel shows: 204, and why, in the debug log. */
export function ignored(request: FastifyRequest, reply: FastifyReply, reason: string) {
  request.log.debug({ reason }, 'webhook event ignored');
  return reply.code(204).send();
}

/** What every webhook route answers: the call taken, or a problem (the route says which). */
export const webhookResponses = {
  202: callAcceptedSchema,
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
};
