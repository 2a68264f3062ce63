-- The customer's current segment copied onto the rows the KPI queries aggregate (contacts,
-- decision_suggestions, offer_status) and kept in step by trigger, so grouping or narrowing by
-- segment reads the period's range of one covering index instead of joining or probing
-- customer_segments (1,000,000 customers) for every contact of the period.
-- The definition does not change: customer_segment always equals customer_segments.segment of
-- the row's customer (the segment of their latest score snapshot; NULL without one).

ALTER TABLE contacts ADD COLUMN customer_segment text;
ALTER TABLE decision_suggestions ADD COLUMN customer_segment text;
ALTER TABLE offer_status ADD COLUMN customer_segment text;

-- A new row (or one moved to another customer) takes its customer's current segment.
CREATE FUNCTION customer_segment_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.customer_segment := (SELECT cs.segment FROM customer_segments cs
                           WHERE cs.customer_id = NEW.customer_id);
  RETURN NEW;
END $$;

CREATE TRIGGER contacts_customer_segment BEFORE INSERT OR UPDATE OF customer_id ON contacts
  FOR EACH ROW EXECUTE FUNCTION customer_segment_fill();
CREATE TRIGGER decision_suggestions_customer_segment
  BEFORE INSERT OR UPDATE OF customer_id ON decision_suggestions
  FOR EACH ROW EXECUTE FUNCTION customer_segment_fill();
CREATE TRIGGER offer_status_customer_segment
  BEFORE INSERT OR UPDATE OF customer_id ON offer_status
  FOR EACH ROW EXECUTE FUNCTION customer_segment_fill();

-- These customers' rows take the segment customer_segments now holds; rows already right are
-- not written. Suggestions and offer status are reached through decisions_customer_time.
CREATE FUNCTION customer_segment_facts_refresh(p_customers bigint[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE contacts c SET customer_segment = n.segment
  FROM (SELECT u.customer_id, cs.segment
        FROM (SELECT DISTINCT unnest(p_customers) AS customer_id) u
        LEFT JOIN customer_segments cs ON cs.customer_id = u.customer_id) n
  WHERE c.customer_id = n.customer_id AND c.customer_segment IS DISTINCT FROM n.segment;
  UPDATE decision_suggestions ds SET customer_segment = n.segment
  FROM (SELECT d.id, cs.segment
        FROM (SELECT DISTINCT unnest(p_customers) AS customer_id) u
        JOIN decisions d ON d.customer_id = u.customer_id
        LEFT JOIN customer_segments cs ON cs.customer_id = u.customer_id) n
  WHERE ds.decision_id = n.id AND ds.customer_segment IS DISTINCT FROM n.segment;
  UPDATE offer_status f SET customer_segment = n.segment
  FROM (SELECT d.id, cs.segment
        FROM (SELECT DISTINCT unnest(p_customers) AS customer_id) u
        JOIN decisions d ON d.customer_id = u.customer_id
        LEFT JOIN customer_segments cs ON cs.customer_id = u.customer_id) n
  WHERE f.decision_id = n.id AND f.customer_segment IS DISTINCT FROM n.segment;
$$;

-- Only customers whose segment changed (a scoring run re-upserts every customer, most keep
-- their segment) or who gained or lost their row.
CREATE FUNCTION customer_segment_facts_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM customer_segment_facts_refresh(ARRAY(SELECT customer_id FROM new_segments));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM customer_segment_facts_refresh(ARRAY(
      SELECT COALESCE(n.customer_id, o.customer_id)
      FROM new_segments n FULL JOIN old_segments o ON o.customer_id = n.customer_id
      WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.segment IS DISTINCT FROM o.segment));
  ELSE
    PERFORM customer_segment_facts_refresh(ARRAY(SELECT customer_id FROM old_segments));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER customer_segments_facts_insert AFTER INSERT ON customer_segments
  REFERENCING NEW TABLE AS new_segments
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segment_facts_on_change();
CREATE TRIGGER customer_segments_facts_update AFTER UPDATE ON customer_segments
  REFERENCING OLD TABLE AS old_segments NEW TABLE AS new_segments
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segment_facts_on_change();
CREATE TRIGGER customer_segments_facts_delete AFTER DELETE ON customer_segments
  REFERENCING OLD TABLE AS old_segments
  FOR EACH STATEMENT EXECUTE FUNCTION customer_segment_facts_on_change();

-- Re-deriving a customer's segment (a snapshot updated or deleted) used to delete and re-insert
-- their row, which would now write their contacts twice (segment gone, segment back): upsert
-- the latest snapshot instead and delete only rows left without any snapshot.
CREATE OR REPLACE FUNCTION customer_segments_refresh(p_customers bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM customer_segments cs WHERE cs.customer_id = ANY (p_customers)
    AND NOT EXISTS (SELECT 1 FROM score_snapshots s WHERE s.customer_id = cs.customer_id);
  INSERT INTO customer_segments AS cs (customer_id, segment, computed_at, snapshot_id)
  SELECT DISTINCT ON (s.customer_id) s.customer_id, s.segment, s.computed_at, s.id
  FROM score_snapshots s WHERE s.customer_id = ANY (p_customers)
  ORDER BY s.customer_id, s.computed_at DESC, s.id DESC
  ON CONFLICT (customer_id) DO UPDATE SET segment = EXCLUDED.segment,
    computed_at = EXCLUDED.computed_at, snapshot_id = EXCLUDED.snapshot_id
  WHERE (cs.segment, cs.computed_at, cs.snapshot_id)
    IS DISTINCT FROM (EXCLUDED.segment, EXCLUDED.computed_at, EXCLUDED.snapshot_id);
$$;

-- Backfill. Updating every row would add a version of it to each index in random order (over
-- 15 minutes for 10,000,000 contacts); rewriting the table through a same-type column change
-- instead writes each row once and rebuilds the indexes by sorting. The period's covering
-- indexes are dropped first and rebuilt with the segment.
CREATE FUNCTION customer_segment_of(p_customer bigint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT cs.segment FROM customer_segments cs WHERE cs.customer_id = p_customer;
$$;

DROP INDEX contacts_started_kpi;
ALTER TABLE contacts ALTER COLUMN customer_segment TYPE text
  USING customer_segment_of(customer_id);
CREATE INDEX contacts_started_kpi ON contacts (started_at)
  INCLUDE (customer_id, agent_id, team_id, csat, resolved_first_contact, next_contact_at, reason,
    customer_segment);

DROP INDEX decision_suggestions_time_kpi;
ALTER TABLE decision_suggestions ALTER COLUMN customer_segment TYPE text
  USING customer_segment_of(customer_id);
CREATE INDEX decision_suggestions_time_kpi ON decision_suggestions (created_at)
  INCLUDE (decision_id, treatment_key, control_group, agent, customer_id, kind, customer_segment);

ALTER TABLE offer_status ALTER COLUMN customer_segment TYPE text
  USING customer_segment_of(customer_id);

-- The at-risk test (churn band of the latest snapshot at or before a decision) without the heap.
CREATE INDEX score_snapshots_latest_band ON score_snapshots (customer_id, computed_at DESC)
  INCLUDE (churn_band);
DROP INDEX score_snapshots_latest;

-- CSR note search (src/server/supervisor/notes.ts) ranks every match, reading each matching
-- note's vector. Outcomes with notes are few (about 2%) and spread over the whole outcomes
-- table, so a search hitting many of them read most of its pages and re-parsed every note. The
-- notes' vectors, with the columns the search narrows and orders by, are kept here instead:
-- one narrow table that stays in memory.
CREATE TABLE outcome_notes (
  outcome_id uuid PRIMARY KEY REFERENCES outcomes (id) ON DELETE CASCADE,
  occurred_at timestamptz NOT NULL,
  agent text NOT NULL,
  note_search tsvector NOT NULL
);

CREATE FUNCTION outcome_notes_on_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM outcome_notes n USING old_outcomes o WHERE n.outcome_id = o.id;
  END IF;
  INSERT INTO outcome_notes (outcome_id, occurred_at, agent, note_search)
  SELECT o.id, o.occurred_at, o.agent, to_tsvector('english', o.note)
  FROM new_outcomes o WHERE o.note IS NOT NULL;
  RETURN NULL;
END $$;

-- Deleted outcomes take their row with them (ON DELETE CASCADE).
CREATE TRIGGER outcomes_notes_insert AFTER INSERT ON outcomes
  REFERENCING NEW TABLE AS new_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION outcome_notes_on_outcomes();
CREATE TRIGGER outcomes_notes_update AFTER UPDATE ON outcomes
  REFERENCING OLD TABLE AS old_outcomes NEW TABLE AS new_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION outcome_notes_on_outcomes();

INSERT INTO outcome_notes (outcome_id, occurred_at, agent, note_search)
SELECT o.id, o.occurred_at, o.agent, to_tsvector('english', o.note)
FROM outcomes o WHERE o.note IS NOT NULL ORDER BY o.occurred_at;
CREATE INDEX outcome_notes_search ON outcome_notes USING gin (note_search);
DROP INDEX outcomes_note_search;

ANALYZE contacts;
ANALYZE decision_suggestions;
ANALYZE offer_status;
ANALYZE outcome_notes;
