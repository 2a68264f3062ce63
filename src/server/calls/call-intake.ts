import type { FastifyBaseLogger } from 'fastify';
import type { CallEvent } from '../../contract/calls.ts';
import type { Db } from '../db/db.ts';
import type { AgentEventHub } from './agent-event-hub.ts';
import { recordCall, type CallReporter, type RecordedCall } from './store.ts';

export interface CallDeps {
  db: Db;
  phoneRegion: string;
  hub: AgentEventHub;
  /** How often an idle stream sends a comment line, so proxies and the extension see it alive. */
  heartbeatMs: number;
}

/**
 * Stores one call event and hands its stream event to the agent's open streams. Webhook routes
 * call this too, after their signature check, with the platform's event id as `eventKey`.
 */
export async function takeCallEvent(
  deps: CallDeps,
  log: FastifyBaseLogger,
  event: CallEvent,
  reporter: CallReporter,
  eventKey?: string,
): Promise<RecordedCall> {
  const recorded = await recordCall(deps.db, event, {
    phoneRegion: deps.phoneRegion,
    reporter,
    ...(eventKey ? { eventKey } : {}),
  });
  if (recorded.unknownAgent) {
    log.warn(
      { platform: recorded.accepted.platform, callId: event.callId, agent: recorded.unknownAgent },
      'call for an agent LoopDesk does not know; map it with `loopdesk agents map`',
    );
  }
  if (recorded.event) {
    deps.hub.publish(recorded.event.agentId, {
      id: recorded.event.id,
      kind: 'call',
      payload: recorded.event.call,
    });
  }
  return recorded;
}
