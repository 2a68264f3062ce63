-- Core entities of the customer-intelligence loop (DESIGN.md). Ids are bigint identities inside
-- the database; customers are addressed from outside by their external customer_id.

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL UNIQUE,
  name text,
  email text,
  phone text,
  since date,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One identity value may belong to several customers (shared phone, family email): the lookup
-- returns all of them and the API answers 409 rather than guessing.
CREATE TABLE identities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('record', 'email', 'phone')),
  crm text NOT NULL DEFAULT '',
  object_type text NOT NULL DEFAULT '',
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'record' OR (crm <> '' AND object_type <> '')),
  UNIQUE (kind, crm, object_type, value, customer_id)
);
CREATE INDEX identities_customer ON identities (customer_id);

CREATE TABLE transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  -- The source's order id, or 'h:' + a hash of the row's content when the source has none.
  order_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  amount numeric(14, 2) NOT NULL,
  currency text NOT NULL,
  UNIQUE (customer_id, order_id)
);
CREATE INDEX transactions_customer_time ON transactions (customer_id, occurred_at);

CREATE TABLE teams (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  team_id bigint REFERENCES teams (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  contact_id text NOT NULL UNIQUE,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  channel text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  agent_id bigint REFERENCES agents (id),
  team_id bigint REFERENCES teams (id),
  reason text,
  resolved_first_contact boolean,
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer_time ON contacts (customer_id, started_at DESC);
CREATE INDEX contacts_agent_time ON contacts (agent_id, started_at);

CREATE TABLE treatments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('retention', 'cross-sell', 'up-sell', 'service-recovery', 'education')),
  script text NOT NULL DEFAULT '',
  business_value double precision NOT NULL DEFAULT 1,
  lever double precision NOT NULL DEFAULT 1,
  active boolean NOT NULL DEFAULT true,
  cooldown_days int,
  max_per_30_days int,
  prior_propensity double precision NOT NULL DEFAULT 0.1,
  prior_weight double precision NOT NULL DEFAULT 10,
  rules jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE decisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  -- Agent name from the bearer token that asked.
  agent text NOT NULL,
  context text,
  control_group boolean NOT NULL DEFAULT false,
  no_action_reason text,
  -- Suggested treatments with their arbitration inputs (propensity, weights, value, lever).
  suggestions jsonb NOT NULL DEFAULT '[]',
  routing jsonb,
  rule_version text,
  model_versions jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_customer_time ON decisions (customer_id, created_at DESC);
CREATE INDEX decisions_agent_time ON decisions (agent, created_at);

CREATE TABLE outcomes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id uuid NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  treatment_key text,
  agent text NOT NULL,
  result text NOT NULL CHECK (result IN ('offered', 'accepted', 'declined', 'not_offered')),
  reason text,
  note text,
  idempotency_key text NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcomes_decision ON outcomes (decision_id);

CREATE TABLE score_snapshots (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  segment text,
  recency_score smallint CHECK (recency_score BETWEEN 1 AND 5),
  frequency_score smallint CHECK (frequency_score BETWEEN 1 AND 5),
  monetary_score smallint CHECK (monetary_score BETWEEN 1 AND 5),
  clv double precision,
  currency text,
  value_tier text CHECK (value_tier IN ('bronze', 'silver', 'gold', 'platinum')),
  p_alive double precision CHECK (p_alive BETWEEN 0 AND 1),
  expected_purchases double precision,
  horizon_months int,
  churn_probability double precision CHECK (churn_probability BETWEEN 0 AND 1),
  churn_band text CHECK (churn_band IN ('low', 'medium', 'high')),
  churn_source text CHECK (churn_source IN ('model', 'bgnbd')),
  churn_reasons jsonb NOT NULL DEFAULT '[]',
  model_version text,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX score_snapshots_latest ON score_snapshots (customer_id, computed_at DESC);

CREATE TABLE models (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  version text NOT NULL,
  params jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, version)
);

CREATE TABLE tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- SHA-256 of the bearer token, hex; the token itself is never stored.
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('csr', 'supervisor', 'admin')),
  agent_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at ON audit_log (at);
