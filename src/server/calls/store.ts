import type {
  Call,
  CallAccepted,
  CallCustomer,
  CallEvent,
  Caller,
  CallState,
} from '../../contract/calls.ts';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ForbiddenError } from '../errors.ts';
import { isEmail, normaliseEmail, normalisePhone } from '../identity/normalise.ts';
import { lookupCustomerProfile } from '../insights/customer-lookup.ts';

/** Who reported a call: a telephony system naming the agent, or the agent's own extension. */
export type CallReporter =
  { kind: 'integration'; name: string } | { kind: 'agent'; agentName: string };

export interface RecordCallOptions {
  phoneRegion: string;
  reporter: CallReporter;
  /**
   * The platform's own id of this event (a webhook's event id). Without one, a call's state is
   * its key: the same state of the same call reported twice is one event.
   */
  eventKey?: string;
  now?: Date;
}

/** What `recordCall` stored, and the stream event it appended (null when nothing changed). */
export interface RecordedCall {
  accepted: CallAccepted;
  /** The appended agent event, to be published once the transaction has committed. */
  event: { id: string; agentId: string; call: Call } | null;
  /** The platform named an agent that maps onto nobody (the route logs a warning). */
  unknownAgent: string | null;
}

// Words platforms and carriers put in place of a withheld number (Twilio writes "anonymous" or
// a fixed pseudo-number: the webhook mappings turn those into "anonymous" before they get here).
const withheldWords = new Set(['anonymous', 'restricted', 'private', 'unknown', 'unavailable']);

/**
 * The caller as the panel shows it: E.164 when the number parses; withheld when the platform
 * says so; an empty number is one the platform did not give (Amazon Connect's contact events
 * carry none), not a withheld one.
 */
function callerOf(raw: string, phoneRegion: string): Caller {
  const trimmed = raw.trim();
  const withheld = withheldWords.has(trimmed.toLowerCase());
  return { phone: withheld ? null : normalisePhone(trimmed, phoneRegion), raw: trimmed, withheld };
}

const stateRank: Record<CallState, number> = { ringing: 0, connected: 1, ended: 2 };

/** Reported platforms are lower-case; a CSR's extension and a bare API call get their own. */
function platformOf(event: CallEvent, reporter: CallReporter): string {
  return event.platform ?? (reporter.kind === 'agent' ? 'softphone' : 'api');
}

interface AgentMatch {
  id: string;
  name: string;
}

/**
 * The LoopDesk agent a telephony platform means: an agent name, else a telephony user id or
 * email mapped for this platform, else one mapped for every platform.
 */
async function agentOf(tx: Queryable, platform: string, ref: string): Promise<AgentMatch | null> {
  const value = isEmail(ref) ? normaliseEmail(ref) : ref;
  const { rows } = await tx.query<AgentMatch>(
    `SELECT id::text, name FROM (
       SELECT a.id, a.name, 0 AS priority FROM agents a WHERE a.name = $1
       UNION ALL
       SELECT a.id, a.name, CASE m.platform WHEN '' THEN 2 ELSE 1 END
       FROM agent_telephony_ids m JOIN agents a ON a.id = m.agent_id
       WHERE m.value = $2 AND m.platform IN ($3, '')
     ) found ORDER BY priority LIMIT 1`,
    [ref, value, platform],
  );
  return rows[0] ?? null;
}

async function ownAgent(tx: Queryable, name: string): Promise<AgentMatch> {
  await tx.query('INSERT INTO agents (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  const { rows } = await tx.query<AgentMatch>('SELECT id::text, name FROM agents WHERE name = $1', [
    name,
  ]);
  return rows[0]!;
}

async function customerOf(
  tx: Queryable,
  caller: Caller,
  phoneRegion: string,
  now: Date,
): Promise<{ customer: CallCustomer; customerKey: string | null }> {
  if (!caller.phone) return { customer: { status: 'unknown' }, customerKey: null };
  const resolution = await lookupCustomerProfile(tx, { phone: caller.phone }, phoneRegion, now);
  if (resolution.status === 'unknown') {
    return { customer: { status: 'unknown' }, customerKey: null };
  }
  if (resolution.status === 'ambiguous') {
    return {
      customer: { status: 'ambiguous', candidates: resolution.candidates },
      customerKey: null,
    };
  }
  const { customer } = resolution.profile;
  return {
    customer: {
      status: 'found',
      customer: {
        customerId: customer.id,
        name: customer.name,
        email: customer.email,
        phone: customer.phone,
      },
    },
    customerKey: resolution.profile.customerKey,
  };
}

interface CallRow {
  id: string;
  state: CallState;
  agent_id: string | null;
  agent_name: string | null;
  from_phone: string | null;
  from_raw: string;
  customer: CallCustomer;
  customer_key: string | null;
  ringing_at: string | null;
  connected_at: string | null;
  ended_at: string | null;
  contact_id: string | null;
  updated_at: string;
}

const callColumns = `c.id::text, c.state, c.agent_id::text, a.name AS agent_name, c.from_phone,
  c.from_raw, c.customer_id::text AS customer_key, c.contact_id::text,
  to_char(c.ringing_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ringing_at,
  to_char(c.connected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS connected_at,
  to_char(c.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ended_at,
  to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
  CASE WHEN c.customer_id IS NOT NULL THEN jsonb_build_object('status', 'found', 'customer',
         jsonb_build_object('customerId', k.customer_id, 'name', k.name, 'email', k.email,
           'phone', k.phone))
       WHEN jsonb_array_length(c.candidates) > 0 THEN jsonb_build_object('status', 'ambiguous',
         'candidates', c.candidates)
       ELSE jsonb_build_object('status', 'unknown') END AS customer`;

async function storedCall(
  tx: Queryable,
  platform: string,
  callId: string,
  lock = false,
): Promise<CallRow | null> {
  const { rows } = await tx.query<CallRow>(
    `SELECT ${callColumns} FROM calls c
       LEFT JOIN agents a ON a.id = c.agent_id LEFT JOIN customers k ON k.id = c.customer_id
     WHERE c.platform = $1 AND c.call_id = $2${lock ? ' FOR UPDATE OF c' : ''}`,
    [platform, callId],
  );
  return rows[0] ?? null;
}

function stateStart(row: CallRow): string {
  const at =
    row.state === 'ended'
      ? row.ended_at
      : row.state === 'connected'
        ? row.connected_at
        : row.ringing_at;
  return at ?? row.updated_at;
}

function callOf(row: CallRow, platform: string, callId: string, phoneRegion: string): Call {
  const caller = callerOf(row.from_raw, phoneRegion);
  return {
    callId,
    platform,
    state: row.state,
    caller,
    customer: row.customer,
    at: stateStart(row),
  };
}

/**
 * Stores one reported state of a call (`POST /v1/calls`, `POST /v1/agents/me/calls`, the
 * platform webhooks): resolves the agent and, on first sight, the caller; moves the call forward
 * (a late "ringing" after "connected" only fills in when it rang); appends the agent's stream
 * event; and once an ended call has one known customer, makes it a phone contact of that agent.
 */
export async function recordCall(
  db: Db,
  event: CallEvent,
  options: RecordCallOptions,
): Promise<RecordedCall> {
  const { reporter, phoneRegion } = options;
  const now = options.now ?? new Date();
  const platform = platformOf(event, reporter);
  const at = event.occurredAt ? new Date(event.occurredAt).toISOString() : now.toISOString();
  const eventKey = options.eventKey ?? `${event.callId}:${event.state}`;
  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO call_events_seen (platform, event_key) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [platform, eventKey],
    );
    if (!fresh.rows.length) {
      const row = await storedCall(tx, platform, event.callId);
      if (row) {
        return {
          accepted: {
            ...callOf(row, platform, event.callId, phoneRegion),
            agent: row.agent_name,
            repeated: true,
          },
          event: null,
          unknownAgent: null,
        };
      }
    }

    let unknownAgent: string | null = null;
    let agent: AgentMatch | null;
    if (reporter.kind === 'agent') {
      if (event.agent !== undefined && event.agent !== reporter.agentName) {
        throw new ForbiddenError(
          'Not your call',
          `A CSR token reports its own calls only; this one is ${reporter.agentName}'s, ` +
            `the call names "${event.agent}".`,
        );
      }
      agent = await ownAgent(tx, reporter.agentName);
    } else {
      agent = event.agent ? await agentOf(tx, platform, event.agent) : null;
      if (!agent) unknownAgent = event.agent ?? '(none named)';
    }

    const existing = await storedCall(tx, platform, event.callId, true);
    const caller = callerOf(existing?.from_raw || event.from, phoneRegion);
    const resolved = existing
      ? { customer: existing.customer, customerKey: existing.customer_key }
      : await customerOf(tx, caller, phoneRegion, now);
    const stateColumn = `${event.state}_at` as const;
    const advances = !existing || stateRank[event.state] > stateRank[existing.state];
    await tx.query(
      `INSERT INTO calls (platform, call_id, agent_id, agent_ref, from_phone, from_raw, to_phone,
         state, customer_id, candidates, ${stateColumn})
       VALUES ($1, $2, $3::bigint, $4, $5, $6, $7, $8, $9::bigint, $10::jsonb, $11::timestamptz)
       ON CONFLICT (platform, call_id) DO UPDATE SET
         agent_id = COALESCE(calls.agent_id, EXCLUDED.agent_id),
         agent_ref = COALESCE(calls.agent_ref, EXCLUDED.agent_ref),
         state = CASE WHEN $12 AND array_position($13::text[], EXCLUDED.state)
             > array_position($13::text[], calls.state) THEN EXCLUDED.state ELSE calls.state END,
         ${stateColumn} = COALESCE(calls.${stateColumn}, EXCLUDED.${stateColumn}),
         updated_at = now()`,
      [
        platform,
        event.callId,
        agent?.id ?? null,
        agent ? null : (event.agent ?? null),
        caller.phone,
        caller.raw,
        event.to ? (normalisePhone(event.to, phoneRegion) ?? event.to) : null,
        event.state,
        resolved.customerKey,
        JSON.stringify(
          resolved.customer.status === 'ambiguous' ? resolved.customer.candidates : [],
        ),
        at,
        advances,
        Object.keys(stateRank),
      ],
    );
    let row = (await storedCall(tx, platform, event.callId))!;
    if (row.state === 'ended' && row.customer_key && !row.contact_id && row.agent_name) {
      await contactOfCall(tx, platform, event.callId, row);
      row = (await storedCall(tx, platform, event.callId))!;
    }
    const call = callOf(row, platform, event.callId, phoneRegion);
    let appended: RecordedCall['event'] = null;
    // A call the agent's own extension reported is on their screen already: only calls the
    // telephony platform reports go to the agent's stream.
    if (advances && row.agent_id && reporter.kind === 'integration') {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO agent_events (agent_id, kind, payload) VALUES ($1::bigint, 'call', $2::jsonb)
         RETURNING id::text`,
        [row.agent_id, JSON.stringify(call)],
      );
      appended = { id: rows[0]!.id, agentId: row.agent_id, call };
    }
    await audit(tx, {
      actor: reporter.kind === 'agent' ? reporter.agentName : `integration:${reporter.name}`,
      action: 'call.event',
      target: `${platform}:${event.callId}`,
      details: { state: event.state, agent: row.agent_name, customer: call.customer.status },
    });
    return {
      accepted: { ...call, agent: row.agent_name, repeated: !fresh.rows.length },
      event: appended,
      unknownAgent,
    };
  });
}

/** An ended call with one known customer is a phone contact of its agent. */
async function contactOfCall(
  tx: Queryable,
  platform: string,
  callId: string,
  row: CallRow,
): Promise<void> {
  const contactId = `call:${platform}:${callId}`;
  const startedAt = row.ringing_at ?? row.connected_at ?? row.ended_at;
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO contacts (contact_id, customer_id, channel, started_at, ended_at, agent_id,
       created_by)
     VALUES ($1, $2::bigint, 'phone', $3::timestamptz, $4::timestamptz, $5::bigint, $6)
     ON CONFLICT (contact_id) DO UPDATE SET ended_at = EXCLUDED.ended_at
     RETURNING id::text`,
    [contactId, row.customer_key, startedAt, row.ended_at, row.agent_id, row.agent_name],
  );
  await tx.query('UPDATE calls SET contact_id = $1::bigint WHERE platform = $2 AND call_id = $3', [
    rows[0]!.id,
    platform,
    callId,
  ]);
}

/** Agent events after `afterId` (a stream's Last-Event-ID), oldest first. */
export async function agentEventsAfter(
  db: Queryable,
  agentId: string,
  afterId: string,
  limit = 500,
): Promise<{ id: string; kind: string; payload: unknown }[]> {
  const { rows } = await db.query<{ id: string; kind: string; payload: unknown }>(
    `SELECT id::text, kind, payload FROM agent_events
     WHERE agent_id = $1::bigint AND id > $2::bigint ORDER BY id LIMIT $3`,
    [agentId, afterId, limit],
  );
  return rows;
}

/**
 * A stream opened without Last-Event-ID (a fresh start of the extension) still learns of the
 * calls it would show now: the latest event of each of the agent's calls that has not ended and
 * changed within `withinMinutes`.
 */
export async function activeCallEvents(
  db: Queryable,
  agentId: string,
  withinMinutes = 120,
): Promise<{ id: string; kind: string; payload: unknown }[]> {
  const { rows } = await db.query<{ id: string; kind: string; payload: unknown }>(
    `SELECT e.id::text, e.kind, e.payload FROM calls c
       JOIN LATERAL (
         SELECT id, kind, payload FROM agent_events
         WHERE agent_id = c.agent_id AND kind = 'call'
           AND payload->>'platform' = c.platform AND payload->>'callId' = c.call_id
         ORDER BY id DESC LIMIT 1
       ) e ON true
     WHERE c.agent_id = $1::bigint AND c.state <> 'ended'
       AND c.updated_at > now() - make_interval(mins => $2::int)
     ORDER BY e.id`,
    [agentId, withinMinutes],
  );
  return rows;
}

/** The agents row of a token's agent name (made on first use, as contacts do). */
export async function agentIdOf(db: Db, agentName: string): Promise<string> {
  return db.transaction(async (tx) => (await ownAgent(tx, agentName)).id);
}

/** Drops stream events older than a day: a reconnecting stream only asks for the last minutes. */
export async function pruneAgentEvents(db: Queryable, olderThanHours = 24): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM agent_events
       WHERE created_at < now() - make_interval(hours => $1::int) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThanHours],
  );
  return rows[0]?.n ?? 0;
}

/**
 * `loopdesk agents map`: a telephony user id or email that names an agent, on one platform or
 * (platform omitted) on every platform. Mapping a value again moves it to the new agent.
 */
export async function mapTelephonyId(
  db: Db,
  input: { agent: string; value: string; platform?: string; actor: string },
): Promise<{ agent: string; value: string; platform: string | null }> {
  const value = isEmail(input.value) ? normaliseEmail(input.value) : input.value.trim();
  const platform = input.platform ?? '';
  return db.transaction(async (tx) => {
    const agent = await ownAgent(tx, input.agent.trim());
    await tx.query(
      `INSERT INTO agent_telephony_ids (agent_id, platform, value) VALUES ($1::bigint, $2, $3)
       ON CONFLICT (platform, value) DO UPDATE SET agent_id = EXCLUDED.agent_id`,
      [agent.id, platform, value],
    );
    await audit(tx, {
      actor: input.actor,
      action: 'agent.map',
      target: agent.name,
      details: { platform: platform || null, value },
    });
    return { agent: agent.name, value, platform: platform || null };
  });
}
