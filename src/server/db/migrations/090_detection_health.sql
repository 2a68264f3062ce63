-- Detection health: visits to CRM pages an adapter claimed, by how the customer was found
-- (api, url, page) or missed, as the extensions report them. Counts only: no customer, no URL.
-- One row per agent keeps concurrent reports from different agents off each other's rows and
-- lets the report count the agents behind a number.
CREATE TABLE detection_health_counts (
  day date NOT NULL,
  crm text NOT NULL,
  page_kind text NOT NULL,
  result text NOT NULL CHECK (result IN ('api', 'url', 'page', 'missed')),
  agent text NOT NULL,
  count bigint NOT NULL CHECK (count > 0),
  last_reported_at timestamptz NOT NULL,
  PRIMARY KEY (day, crm, page_kind, result, agent)
);

-- Batches already counted, per agent (the token's agent name, so a replacement token still
-- finds what the extension sent before): a retried delivery is answered without counting twice.
-- Old ones are pruned as reports arrive; the extension retries a batch for far less time.
CREATE TABLE detection_health_batches (
  agent text NOT NULL,
  batch_id uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  row_count int NOT NULL,
  PRIMARY KEY (agent, batch_id)
);
CREATE INDEX detection_health_batches_received ON detection_health_batches (received_at);
