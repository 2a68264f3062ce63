-- KPI facts kept in step by triggers, so the KPI, review and coaching queries aggregate narrow
-- tables for a period instead of probing outcomes, transactions and score snapshots per row.
-- The definitions (src/server/kpis/definitions.ts) do not change: each table holds exactly what
-- the old per-row subqueries computed, and is refreshed whenever a row it derives from changes.
-- Triggers are statement-level with transition tables: one set-based refresh per statement, so
-- bulk imports pay once, not per row. The decisions INSERT path gets one cheap statement trigger
-- (a purchase probe that finds nothing for a decision made now).

-- Transition tables cannot go with more than one event or with column lists, hence one trigger
-- per event.

-- 1. The customer's current segment: the one of their latest score snapshot (ties: newest id).
CREATE TABLE customer_segments (
  customer_id bigint NOT NULL,
  segment text,
  computed_at timestamptz NOT NULL,
  snapshot_id bigint NOT NULL,
  CONSTRAINT customer_segments_pkey PRIMARY KEY (customer_id) INCLUDE (segment)
);

CREATE FUNCTION customer_segments_refresh(p_customers bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM customer_segments WHERE customer_id = ANY (p_customers);
  INSERT INTO customer_segments (customer_id, segment, computed_at, snapshot_id)
  SELECT DISTINCT ON (s.customer_id) s.customer_id, s.segment, s.computed_at, s.id
  FROM score_snapshots s WHERE s.customer_id = ANY (p_customers)
  ORDER BY s.customer_id, s.computed_at DESC, s.id DESC;
$$;

CREATE FUNCTION customer_segments_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_segments AS cs (customer_id, segment, computed_at, snapshot_id)
  SELECT DISTINCT ON (n.customer_id) n.customer_id, n.segment, n.computed_at, n.id
  FROM added_snapshots n ORDER BY n.customer_id, n.computed_at DESC, n.id DESC
  ON CONFLICT (customer_id) DO UPDATE SET segment = EXCLUDED.segment,
    computed_at = EXCLUDED.computed_at, snapshot_id = EXCLUDED.snapshot_id
  WHERE (cs.computed_at, cs.snapshot_id) < (EXCLUDED.computed_at, EXCLUDED.snapshot_id);
  RETURN NULL;
END $$;

CREATE FUNCTION customer_segments_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM customer_segments_refresh(ARRAY(
      SELECT customer_id FROM old_snapshots UNION SELECT customer_id FROM new_snapshots));
  ELSE
    PERFORM customer_segments_refresh(ARRAY(SELECT DISTINCT customer_id FROM old_snapshots));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER score_snapshots_segment_insert AFTER INSERT ON score_snapshots
  REFERENCING NEW TABLE AS added_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segments_on_insert();
CREATE TRIGGER score_snapshots_segment_update AFTER UPDATE ON score_snapshots
  REFERENCING OLD TABLE AS old_snapshots NEW TABLE AS new_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segments_on_change();
CREATE TRIGGER score_snapshots_segment_delete AFTER DELETE ON score_snapshots
  REFERENCING OLD TABLE AS old_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segments_on_change();

INSERT INTO customer_segments (customer_id, segment, computed_at, snapshot_id)
SELECT DISTINCT ON (s.customer_id) s.customer_id, s.segment, s.computed_at, s.id
FROM score_snapshots s ORDER BY s.customer_id, s.computed_at DESC, s.id DESC;

-- 2. Offer status per decision and treatment with outcomes: what the offer_status CTE of the
-- KPI queries aggregated from outcomes, with the decision's columns copied alongside.
CREATE TABLE offer_status (
  decision_id uuid NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  treatment_key text NOT NULL,
  created_at timestamptz NOT NULL,
  agent text NOT NULL,
  customer_id bigint NOT NULL,
  control_group boolean NOT NULL,
  -- Whether the treatment was among the decision's shown suggestions (decision_suggestions),
  -- and the kind stored with it (used when the catalogue lacks one).
  shown boolean NOT NULL,
  suggested_kind text,
  -- Any outcome offered, accepted or declined.
  offered boolean NOT NULL,
  accepted boolean NOT NULL,
  -- Declined and never accepted.
  declined boolean NOT NULL,
  -- Recorded not offered and never offered.
  not_offered boolean NOT NULL,
  decline_reason text,
  note text,
  accepted_at timestamptz,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (decision_id, treatment_key)
);
CREATE INDEX offer_status_created ON offer_status (created_at);

CREATE FUNCTION offer_status_refresh(p_decisions uuid[], p_treatments text[])
RETURNS void LANGUAGE sql AS $$
  DELETE FROM offer_status f USING unnest(p_decisions, p_treatments) AS k (decision_id, treatment_key)
  WHERE f.decision_id = k.decision_id AND f.treatment_key = k.treatment_key;
  INSERT INTO offer_status (decision_id, treatment_key, created_at, agent, customer_id,
    control_group, shown, suggested_kind, offered, accepted, declined, not_offered, decline_reason,
    note, accepted_at, last_at)
  SELECT o.decision_id, o.treatment_key, d.created_at, d.agent, d.customer_id, d.control_group,
    dk.decision_id IS NOT NULL, dk.kind,
    bool_or(o.result IN ('offered', 'accepted', 'declined')),
    bool_or(o.result = 'accepted'),
    bool_or(o.result = 'declined') AND NOT bool_or(o.result = 'accepted'),
    bool_or(o.result = 'not_offered') AND NOT bool_or(o.result IN ('offered', 'accepted', 'declined')),
    (array_agg(o.reason ORDER BY o.occurred_at DESC) FILTER (WHERE o.result = 'declined'))[1],
    (array_agg(o.note ORDER BY o.occurred_at DESC) FILTER (WHERE o.note IS NOT NULL))[1],
    min(o.occurred_at) FILTER (WHERE o.result = 'accepted'),
    max(o.occurred_at)
  FROM (SELECT DISTINCT * FROM unnest(p_decisions, p_treatments)) AS k (decision_id, treatment_key)
  JOIN outcomes o ON o.decision_id = k.decision_id AND o.treatment_key = k.treatment_key
  JOIN decisions d ON d.id = o.decision_id
  LEFT JOIN decision_suggestions dk
    ON dk.decision_id = o.decision_id AND dk.treatment_key = o.treatment_key
  GROUP BY o.decision_id, o.treatment_key, d.created_at, d.agent, d.customer_id, d.control_group,
    dk.decision_id, dk.kind;
$$;

CREATE FUNCTION offer_status_on_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM offer_status_refresh(array_agg(decision_id), array_agg(treatment_key))
    FROM (SELECT DISTINCT decision_id, treatment_key FROM new_outcomes
          WHERE treatment_key IS NOT NULL) k;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM offer_status_refresh(array_agg(decision_id), array_agg(treatment_key))
    FROM (SELECT decision_id, treatment_key FROM old_outcomes WHERE treatment_key IS NOT NULL
          UNION SELECT decision_id, treatment_key FROM new_outcomes
          WHERE treatment_key IS NOT NULL) k;
  ELSE
    PERFORM offer_status_refresh(array_agg(decision_id), array_agg(treatment_key))
    FROM (SELECT DISTINCT decision_id, treatment_key FROM old_outcomes
          WHERE treatment_key IS NOT NULL) k;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER outcomes_offer_status_insert AFTER INSERT ON outcomes
  REFERENCING NEW TABLE AS new_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION offer_status_on_outcomes();
CREATE TRIGGER outcomes_offer_status_update AFTER UPDATE ON outcomes
  REFERENCING OLD TABLE AS old_outcomes NEW TABLE AS new_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION offer_status_on_outcomes();
CREATE TRIGGER outcomes_offer_status_delete AFTER DELETE ON outcomes
  REFERENCING OLD TABLE AS old_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION offer_status_on_outcomes();

INSERT INTO offer_status (decision_id, treatment_key, created_at, agent, customer_id,
  control_group, shown, suggested_kind, offered, accepted, declined, not_offered, decline_reason,
  note, accepted_at, last_at)
SELECT f.decision_id, f.treatment_key, d.created_at, d.agent, d.customer_id, d.control_group,
  dk.decision_id IS NOT NULL, dk.kind, f.offered, f.accepted, f.declined, f.not_offered, f.decline_reason, f.note,
  f.accepted_at, f.last_at
FROM (
  SELECT o.decision_id, o.treatment_key,
    bool_or(o.result IN ('offered', 'accepted', 'declined')) AS offered,
    bool_or(o.result = 'accepted') AS accepted,
    bool_or(o.result = 'declined') AND NOT bool_or(o.result = 'accepted') AS declined,
    bool_or(o.result = 'not_offered') AND NOT bool_or(o.result IN ('offered', 'accepted', 'declined')) AS not_offered,
    (array_agg(o.reason ORDER BY o.occurred_at DESC) FILTER (WHERE o.result = 'declined'))[1] AS decline_reason,
    (array_agg(o.note ORDER BY o.occurred_at DESC) FILTER (WHERE o.note IS NOT NULL))[1] AS note,
    min(o.occurred_at) FILTER (WHERE o.result = 'accepted') AS accepted_at,
    max(o.occurred_at) AS last_at
  FROM outcomes o WHERE o.treatment_key IS NOT NULL
  GROUP BY o.decision_id, o.treatment_key) f
JOIN decisions d ON d.id = f.decision_id
LEFT JOIN decision_suggestions dk ON dk.decision_id = f.decision_id AND dk.treatment_key = f.treatment_key
-- In time order, as live rows arrive: a period's rows then sit on few pages.
ORDER BY d.created_at;

-- 3. Decisions after which the customer bought within 30 days (the uplift conversion).
CREATE TABLE decision_purchases (
  decision_id uuid PRIMARY KEY REFERENCES decisions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL
);
CREATE INDEX decision_purchases_created ON decision_purchases (created_at);

-- Re-derives the flag for these decisions from scratch.
CREATE FUNCTION decision_purchases_recheck(p_decisions uuid[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM decision_purchases WHERE decision_id = ANY (p_decisions);
  INSERT INTO decision_purchases (decision_id, created_at)
  SELECT d.id, d.created_at FROM decisions d
  WHERE d.id = ANY (p_decisions)
    AND EXISTS (SELECT 1 FROM transactions x WHERE x.customer_id = d.customer_id
      AND x.occurred_at > d.created_at AND x.occurred_at <= d.created_at + interval '30 days');
$$;

-- The decisions a purchase (customer, time) counts for: made in the 30 days before it. The
-- 31-day bound lets decisions_customer_time serve the range; the exact condition is the KPI's
-- own ('30 days' added in the session's time zone, as the KPI queries did).
CREATE FUNCTION decision_purchases_on_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO decision_purchases (decision_id, created_at)
    SELECT DISTINCT d.id, d.created_at
    FROM new_transactions x JOIN decisions d ON d.customer_id = x.customer_id
      AND d.created_at < x.occurred_at AND d.created_at >= x.occurred_at - interval '31 days'
    WHERE x.occurred_at <= d.created_at + interval '30 days'
    ON CONFLICT (decision_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Only purchases that moved (time or customer) can change a flag: recheck the decisions
    -- near where they were and near where they are.
    PERFORM decision_purchases_recheck(ARRAY(
      SELECT DISTINCT d.id
      FROM (SELECT o.customer_id, o.occurred_at, c.customer_id AS new_customer,
                   c.occurred_at AS new_occurred_at
            FROM old_transactions o JOIN new_transactions c ON c.id = o.id
            WHERE (o.customer_id, o.occurred_at) IS DISTINCT FROM (c.customer_id, c.occurred_at)) m
      CROSS JOIN LATERAL (VALUES (m.customer_id, m.occurred_at),
                                 (m.new_customer, m.new_occurred_at)) AS x (customer_id, occurred_at)
      JOIN decisions d ON d.customer_id = x.customer_id
        AND d.created_at < x.occurred_at AND d.created_at >= x.occurred_at - interval '31 days'));
  ELSE
    PERFORM decision_purchases_recheck(ARRAY(
      SELECT DISTINCT d.id
      FROM old_transactions x JOIN decisions d ON d.customer_id = x.customer_id
        AND d.created_at < x.occurred_at AND d.created_at >= x.occurred_at - interval '31 days'));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER transactions_decision_purchases_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS new_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_purchases_on_transactions();
CREATE TRIGGER transactions_decision_purchases_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS old_transactions NEW TABLE AS new_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_purchases_on_transactions();
CREATE TRIGGER transactions_decision_purchases_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS old_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_purchases_on_transactions();

-- A decision recorded after the purchase that follows it (a backfill, an import): one probe of
-- transactions_customer_time per decision, which finds nothing for a decision made now.
CREATE FUNCTION decision_purchases_on_decisions_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_purchases (decision_id, created_at)
  SELECT n.id, n.created_at FROM new_decisions n
  WHERE EXISTS (SELECT 1 FROM transactions x WHERE x.customer_id = n.customer_id
    AND x.occurred_at > n.created_at AND x.occurred_at <= n.created_at + interval '30 days');
  RETURN NULL;
END $$;

-- A decision whose time, customer, agent or control flag changes: its copies follow.
CREATE FUNCTION kpi_facts_on_decisions_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved uuid[];
BEGIN
  moved := ARRAY(
    SELECT c.id FROM old_decisions o JOIN new_decisions c ON c.id = o.id
    WHERE (o.created_at, o.customer_id, o.agent, o.control_group, o.suggestions)
      IS DISTINCT FROM (c.created_at, c.customer_id, c.agent, c.control_group, c.suggestions));
  IF cardinality(moved) = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM decision_purchases_recheck(moved);
  PERFORM offer_status_refresh(array_agg(decision_id), array_agg(treatment_key))
  FROM (SELECT DISTINCT decision_id, treatment_key FROM outcomes
        WHERE decision_id = ANY (moved) AND treatment_key IS NOT NULL) k;
  RETURN NULL;
END $$;

CREATE TRIGGER decisions_purchases_insert AFTER INSERT ON decisions
  REFERENCING NEW TABLE AS new_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_purchases_on_decisions_insert();
CREATE TRIGGER decisions_kpi_facts_update AFTER UPDATE ON decisions
  REFERENCING OLD TABLE AS old_decisions NEW TABLE AS new_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_facts_on_decisions_update();

-- The shown suggestions copy the decision's customer too: refill them when it changes.
DROP TRIGGER decisions_suggestions ON decisions;
CREATE TRIGGER decisions_suggestions
AFTER INSERT OR UPDATE OF suggestions, control_group, agent, created_at, customer_id ON decisions
FOR EACH ROW EXECUTE FUNCTION decision_suggestions_trigger();

INSERT INTO decision_purchases (decision_id, created_at)
SELECT DISTINCT d.id, d.created_at
FROM decisions d JOIN transactions x ON x.customer_id = d.customer_id
  AND x.occurred_at > d.created_at AND x.occurred_at <= d.created_at + interval '30 days'
ORDER BY d.created_at;

-- Shown suggestions read by period with their decision's columns, without the heap.
CREATE INDEX decision_suggestions_time_kpi ON decision_suggestions (created_at)
  INCLUDE (decision_id, treatment_key, control_group, agent, customer_id, kind);
DROP INDEX decision_suggestions_time;

-- 4. CSR notes: full-text search (src/server/supervisor/notes.ts).
CREATE INDEX outcomes_note_search ON outcomes USING gin (to_tsvector('english', note))
  WHERE note IS NOT NULL;

ANALYZE customer_segments;
ANALYZE offer_status;
ANALYZE decision_purchases;
