import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callAcceptedSchema, callEventSchema, platformSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import type { AgentStreamEvent } from './agent-event-hub.ts';
import { takeCallEvent, type CallDeps } from './call-intake.ts';
import {
  activeCallEvents,
  agentEventsAfter,
  agentIdOf,
  mapTelephonyId,
  pruneAgentEvents,
} from './store.ts';

const telephonyIdSchema = z.strictObject({
  agent: z.string().trim().min(1).max(200),
  value: z.string().trim().min(1).max(320),
  platform: platformSchema.optional(),
});
const telephonyIdMappedSchema = z.object({
  agent: z.string(),
  value: z.string(),
  platform: z.string().nullable(),
});

function sseFrame(event: AgentStreamEvent): string {
  return `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

/** Stream events older than this are dropped (a reconnecting stream asks for minutes, not days). */
const pruneEveryMs = 60 * 60_000;

export function callRoutes(app: FastifyInstance, deps: CallDeps): void {
  const pruning = setInterval(() => {
    pruneAgentEvents(deps.db).catch((error: unknown) =>
      app.log.warn({ error }, 'agent events not pruned'),
    );
  }, pruneEveryMs);
  pruning.unref();
  app.addHook('onClose', async () => clearInterval(pruning));

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/v1/calls',
    {
      config: { role: 'integration' },
      schema: {
        tags: ['integration'],
        summary: 'A telephony system reports a call state; the agent’s panel shows the caller',
        description:
          '`agent` is a LoopDesk agent name or a telephony user id or email mapped with ' +
          '`loopdesk agents map`. Answers 202 with the resolved caller (one customer, ' +
          'candidates, or none); an agent nobody maps to is logged and answered 202 too. ' +
          'The same state of the same call reported again changes nothing (`repeated`).',
        body: callEventSchema,
        response: { 202: callAcceptedSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const recorded = await takeCallEvent(deps, request.log, request.body, {
        kind: 'integration',
        name: principalOf(request).agentName,
      });
      return reply.code(202).send(recorded.accepted);
    },
  );

  typed.post(
    '/v1/agents/me/calls',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary: "The agent's own softphone reports a call state (the extension sends it)",
        description:
          'As POST /v1/calls, for the calling agent only: `agent`, when given, must be the ' +
          "token's own agent (403 otherwise). An ended call with one known customer becomes " +
          'a phone contact of the agent.',
        body: callEventSchema,
        response: { 202: callAcceptedSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const recorded = await takeCallEvent(deps, request.log, request.body, {
        kind: 'agent',
        agentName: principalOf(request).agentName,
      });
      return reply.code(202).send(recorded.accepted);
    },
  );

  typed.post(
    '/v1/agents/telephony-ids',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Say which agent a telephony user id or email names (`loopdesk agents map`)',
        description:
          'Without `platform` the value names the agent on every platform; a platform-specific ' +
          'mapping wins over it. Mapping a value again moves it to the new agent.',
        body: telephonyIdSchema,
        response: { 200: telephonyIdMappedSchema },
      },
    },
    async (request) =>
      mapTelephonyId(deps.db, { ...request.body, actor: principalOf(request).agentName }),
  );

  // Not typed by the zod provider: the answer is a stream, which no response schema describes.
  app.get(
    '/v1/agents/me/events',
    {
      config: { role: 'csr' },
      // A HEAD would open a stream only to drop it.
      exposeHeadRoute: false,
      schema: {
        tags: ['csr'],
        summary: "The calling agent's live events (server-sent events): `call` as soon as it rings",
        description:
          'A text/event-stream that stays open. Each event has an `id:`; a client reconnecting ' +
          'with `Last-Event-ID` gets every event after it that the server still holds (a day). ' +
          'Without it, the stream starts with the latest state of each call still going.',
        response: { 400: problemSchema },
      },
    },
    async (request, reply) => {
      const lastEventHeader = request.headers['last-event-id'];
      const lastEventId = Array.isArray(lastEventHeader) ? lastEventHeader[0] : lastEventHeader;
      if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId.trim())) {
        throw new HttpProblem(
          400,
          'Bad Request',
          `Last-Event-ID "${lastEventId.slice(0, 40)}" is not an event id this stream sent.`,
        );
      }
      const agentId = await agentIdOf(deps.db, principalOf(request).agentName);
      const stream = new PassThrough();
      let lastSent = 0n;
      let backlogDone = false;
      const pending: AgentStreamEvent[] = [];
      const send = (event: AgentStreamEvent) => {
        if (stream.writableEnded || BigInt(event.id) <= lastSent) return;
        lastSent = BigInt(event.id);
        stream.write(sseFrame(event));
      };
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      let unsubscribe = () => {};
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        stream.end();
      };
      // Listen before reading the backlog: an event stored meanwhile is in one or the other.
      unsubscribe = deps.hub.subscribe(
        agentId,
        (event) => (backlogDone ? send(event) : pending.push(event)),
        end,
      );
      request.raw.on('close', end);
      stream.write('retry: 3000\n\n');
      const backlog =
        lastEventId === undefined
          ? await activeCallEvents(deps.db, agentId)
          : await agentEventsAfter(deps.db, agentId, lastEventId.trim());
      for (const event of backlog) send(event);
      backlogDone = true;
      for (const event of pending) send(event);
      if (!stream.writableEnded) {
        heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), deps.heartbeatMs);
        heartbeat.unref();
      }
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}
