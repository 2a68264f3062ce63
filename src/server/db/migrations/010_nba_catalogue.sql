-- Next-best-action catalogue as data (src/nba formats), versioned: the current rows live in
-- treatments / eligibility_rules / routing_config / nba_settings, and every change also writes a
-- row to nba_versions (who, when, what) besides its audit_log entry.

-- The treatment's full JSON in src/nba's format; the 001 columns stay filled for SQL reports.
ALTER TABLE treatments
  ADD COLUMN definition jsonb,
  ADD COLUMN version int NOT NULL DEFAULT 1,
  ADD COLUMN updated_by text NOT NULL DEFAULT 'system';

CREATE TABLE eligibility_rules (
  id text PRIMARY KEY,
  treatment_key text NOT NULL,
  -- Stored order, so the content version and "first rule listed" stay stable.
  position int NOT NULL,
  active boolean NOT NULL,
  definition jsonb NOT NULL,
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);
CREATE INDEX eligibility_rules_treatment ON eligibility_rules (treatment_key);

-- One row: which catalogue revision is current (servers cache the compiled rule set by it) and
-- its content hash (compileRuleSet's version), recorded on every decision.
CREATE TABLE nba_catalogue_state (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  revision bigint NOT NULL DEFAULT 0,
  rule_set_version text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO nba_catalogue_state DEFAULT VALUES;

CREATE TABLE routing_config (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  definition jsonb NOT NULL,
  version int NOT NULL,
  -- routingConfigVersion's content hash.
  config_version text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);

CREATE TABLE nba_settings (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  control_share double precision NOT NULL DEFAULT 0.05 CHECK (control_share BETWEEN 0 AND 1),
  version int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL DEFAULT 'system'
);
INSERT INTO nba_settings DEFAULT VALUES;

CREATE TABLE nba_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_kind text NOT NULL CHECK (item_kind IN ('treatment', 'rule', 'routing', 'settings')),
  item_id text NOT NULL,
  version int NOT NULL,
  definition jsonb NOT NULL,
  change text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  -- The rule-set content hash after this change (treatments and rules only).
  rule_set_version text,
  UNIQUE (item_kind, item_id, version)
);

-- The segment at decision time, so outcomes teach propensity per treatment x segment.
ALTER TABLE decisions
  ADD COLUMN segment text,
  ADD COLUMN no_action_code text;
ALTER TABLE outcomes ADD COLUMN segment text;
CREATE INDEX outcomes_treatment_segment ON outcomes (treatment_key, segment, result);

-- Accepted / declined counts per treatment and segment ('(none)' when unsegmented), kept in
-- step with outcomes in the same transaction so a decision reads ~50 rows, not all outcomes.
CREATE TABLE nba_tallies (
  segment text NOT NULL,
  treatment_key text NOT NULL,
  accepted int NOT NULL DEFAULT 0,
  declined int NOT NULL DEFAULT 0,
  PRIMARY KEY (segment, treatment_key)
);

-- Later business results of a decision (imported): retained at 90 days, converted, amount.
CREATE TABLE outcome_results (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  decision_id uuid NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('retained_90d', 'converted')),
  amount numeric(14, 2),
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (decision_id, kind)
);
