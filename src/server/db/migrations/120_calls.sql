-- Live calls (issue #15): the telephony platform or the CSR's softphone reports a call while it
-- rings; the backend resolves the caller, tells the agent's extension over an event stream, and
-- keeps every call as a contact so KPIs count it without an import.

-- Telephony systems post with their own token role; they never read customer insights.
ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
  CHECK (role IN ('csr', 'supervisor', 'admin', 'integration'));

-- A telephony platform names the agent by its own user id or the user's email. platform '' maps
-- the value on every platform (an email is usually the same everywhere); a platform-specific row
-- wins over it.
CREATE TABLE agent_telephony_ids (
  agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  platform text NOT NULL DEFAULT '',
  -- A user id as the platform writes it, or a lower-cased email.
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, value)
);
CREATE INDEX agent_telephony_ids_agent ON agent_telephony_ids (agent_id);

CREATE TABLE calls (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Who reported it ('api' for POST /v1/calls without one, 'twilio', 'aircall', ..., or the
  -- softphone adapter's id for calls the extension saw) and that system's call id.
  platform text NOT NULL,
  call_id text NOT NULL,
  agent_id bigint REFERENCES agents (id),
  -- The platform's words for the agent when no agent was mapped (kept for `agents map`).
  agent_ref text,
  -- E.164 when the number parses; from_raw keeps what was sent (withheld numbers stay raw).
  from_phone text,
  from_raw text NOT NULL DEFAULT '',
  to_phone text,
  state text NOT NULL CHECK (state IN ('ringing', 'connected', 'ended')),
  -- Exactly one matching customer; candidates (jsonb array) when several match.
  customer_id bigint REFERENCES customers (id) ON DELETE SET NULL,
  candidates jsonb NOT NULL DEFAULT '[]',
  ringing_at timestamptz,
  connected_at timestamptz,
  ended_at timestamptz,
  -- The contact the call became once it ended with a known customer.
  contact_id bigint REFERENCES contacts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, call_id)
);
CREATE INDEX calls_agent_time ON calls (agent_id, created_at DESC);

-- Platforms resend webhooks; an event already taken is answered as before and changes nothing.
CREATE TABLE call_events_seen (
  platform text NOT NULL,
  event_key text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, event_key)
);

-- What each agent's event stream carries, in order. Kept so a reconnecting stream resumes from
-- Last-Event-ID, also across a server restart; pruned after a day (a stream asks only for what
-- it missed while reconnecting).
CREATE TABLE agent_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_events_agent ON agent_events (agent_id, id);
CREATE INDEX agent_events_created ON agent_events (created_at);

-- One call, one decision: the first insights answer given for a call is kept and given again to
-- any later lookup of the same customer within that call (panel reopened, CRM record opened).
CREATE TABLE call_decisions (
  call_key text NOT NULL,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  agent text NOT NULL,
  decision_id uuid NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  -- The decision's part of the answer (next-best-actions, control group, routing).
  plan jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (call_key, customer_id, agent)
);
CREATE INDEX call_decisions_decision ON call_decisions (decision_id);
