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
 * The header the EventBridge connection's API_KEY authorization sends (`ApiKeyName`): EventBridge
 * "populates the required authorization headers for you" for Basic and API Key authorization
 * (awsdocs/amazon-eventbridge-user-guide doc_source/eb-api-destinations.md). Its own name, not
 * Authorization, so it can never be mistaken for a LoopDesk bearer token.
 */
const connectKeyHeader = 'x-loopdesk-key';

/**
 * Contact event types (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html).
 * "CONNECTED_TO_AGENT - ... connected to an agent." is the first event naming the agent: there is
 * no contact event for an agent's phone ringing, so an Amazon Connect call starts at connected.
 * "DISCONNECTED - A voice call ... is disconnected"; "COMPLETED ... when a contact has fully
 * ended, including After Contact Work" ends it too, changing nothing after DISCONNECTED.
 * INITIATED, CONNECTED_TO_SYSTEM, QUEUED, CONTACT_DATA_UPDATED, PAUSED, RESUMED answer 204.
 */
const eventStates: Record<string, CallState> = {
  CONNECTED_TO_AGENT: 'connected',
  DISCONNECTED: 'ended',
  COMPLETED: 'ended',
};

/**
 * The EventBridge envelope (https://docs.aws.amazon.com/eventbridge/latest/userguide/
 * eb-events-structure.html): "id — A Version 4 UUID that's generated for every event"; "time —
 * The event timestamp"; `detail-type` "Amazon Connect Contact Event" for contact events.
 */
const connectEnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(200),
  'detail-type': z.string(),
  source: z.string().optional(),
  time: z.iso.datetime({ offset: true }).optional(),
  detail: z.record(z.string(), z.unknown()),
});

const connectTimestamp = z.iso.datetime({ offset: true });

/**
 * `detail` of a contact event, read from camelCase keys (the docs' own event pattern filters on
 * `"detail": {"eventType": [...]}`) with PascalCase as a fallback, since the docs' samples mix
 * both (`EventType`, `AgentInfo`).
 */
const connectDetailSchema = z.looseObject({
  eventType: z.string(),
  // The contact's id; a transfer is a new contact ("INITIATED - ... initiated or transferred").
  contactId: z.string().min(1).max(200),
  // VOICE | CHAT | TASK | EMAIL (the 2021 sample writes "Voice").
  channel: z.string().optional(),
  // agentArn: arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}
  agentInfo: z
    .looseObject({
      agentArn: z.string().optional(),
      connectedToAgentTimestamp: connectTimestamp.optional(),
    })
    .nullable()
    .optional(),
  // "Type: String (yyyy-MM-dd'T'HH:mm:ss.SSS'Z')"
  disconnectTimestamp: connectTimestamp.optional(),
  // Not in the documented contact event (only DescribeContact has it); read when present.
  customerEndpoint: z.looseObject({ address: z.string().optional() }).nullable().optional(),
  // "aws:connect:systemEndpoint": the number the customer dialled, for INBOUND.
  tags: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** A copy of `value` with each key's first letter lowered where that key is not already there. */
function camelKeys(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    const camel = key.charAt(0).toLowerCase() + key.slice(1);
    // `tags` keys ("aws:connect:systemEndpoint") are data, not field names.
    const nested = camel === 'tags' ? field : camelKeys(field, depth + 1);
    if (camel === key || !(camel in record)) out[camel] = nested;
  }
  return out;
}

/**
 * The docs' own sample has `"connectedToAgentTimestamp": "1970-01-01T00:00:00.001Z"` in an event
 * that never reached an agent: a time before 2000 means "not set".
 */
function realTime(value: string | undefined): string | undefined {
  return value && Date.parse(value) >= Date.UTC(2000, 0, 1) ? value : undefined;
}

export function amazonConnectWebhook(app: FastifyInstance, deps: CallDeps, apiKey: string | null) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/webhooks/amazon-connect',
    {
      config: { role: 'public' },
      schema: {
        tags: ['integration'],
        summary: 'Amazon Connect contact events, through an EventBridge API destination',
        description:
          `The EventBridge connection uses API_KEY authorization with the key name ` +
          `\`${connectKeyHeader}\` and LOOPDESK_CONNECT_API_KEY as its value. CONNECTED_TO_AGENT ` +
          'connects the call, DISCONNECTED and COMPLETED end it; others, non-voice contacts and ' +
          'events naming no agent answer 204. The agent is the Connect user id (the last part of ' +
          '`agentInfo.agentArn`), mapped with `loopdesk agents map --platform amazon-connect`. ' +
          'Contact events carry no caller number, so the caller is unknown. 401: the key is ' +
          'missing or wrong; 404: LOOPDESK_CONNECT_API_KEY is not set.',
        body: connectEnvelopeSchema,
        response: webhookResponses,
      },
      // Checked before the body is read: the key is a header.
      onRequest: async (request) => {
        if (!apiKey) throw notConfigured('Amazon Connect', 'LOOPDESK_CONNECT_API_KEY');
        const received = request.headers[connectKeyHeader];
        if (typeof received !== 'string' || !received) {
          throw unauthorized(`The ${connectKeyHeader} header is missing.`);
        }
        if (!secretsEqual(received, apiKey)) {
          throw unauthorized(`The ${connectKeyHeader} header is not LOOPDESK_CONNECT_API_KEY.`);
        }
      },
    },
    async (request, reply) => {
      const envelope = request.body;
      if (envelope['detail-type'] !== 'Amazon Connect Contact Event') {
        return ignored(request, reply, `EventBridge detail-type ${envelope['detail-type']}`);
      }
      const parsed = connectDetailSchema.safeParse(camelKeys(envelope.detail));
      if (!parsed.success) throw invalidPart('body.detail', parsed.error);
      const detail = parsed.data;
      const state = eventStates[detail.eventType];
      if (!state) return ignored(request, reply, `Connect event ${detail.eventType}`);
      if (detail.channel && detail.channel.toUpperCase() !== 'VOICE') {
        return ignored(request, reply, `Connect channel ${detail.channel}`);
      }
      const agentArn = detail.agentInfo?.agentArn;
      // A contact that ends in the queue or the flow never had an agent: no panel showed it.
      if (!agentArn) return ignored(request, reply, `Connect ${detail.eventType} without agent`);
      const agent = agentArn.slice(agentArn.lastIndexOf('/') + 1);
      const systemEndpoint = detail.tags?.['aws:connect:systemEndpoint'];
      const [at, atField] =
        state === 'connected'
          ? [
              realTime(detail.agentInfo?.connectedToAgentTimestamp),
              'detail.agentInfo.connectedToAgentTimestamp',
            ]
          : [realTime(detail.disconnectTimestamp), 'detail.disconnectTimestamp'];
      const occurredAt = at ?? envelope.time;
      const event: CallEvent = {
        callId: detail.contactId,
        ...(agent ? { agent } : {}),
        from: callerNumber(detail.customerEndpoint?.address),
        ...(typeof systemEndpoint === 'string' && systemEndpoint ? { to: systemEndpoint } : {}),
        state,
        ...(occurredAt ? { occurredAt } : {}),
      };
      return deliverCallEvent(deps, request, reply, event, 'amazon-connect', envelope.id, {
        callId: 'detail.contactId',
        agent: 'detail.agentInfo.agentArn',
        from: 'detail.customerEndpoint.address',
        to: 'detail.tags.aws:connect:systemEndpoint',
        occurredAt: at ? atField : 'time',
      });
    },
  );
}
