-- decision_suggestions kept by trigger as before (migration 030, customer_id added to the
-- UPDATE OF list by migration 040), with the same rows, but cheaper on the insights write path:
-- the SQL-language fill function was inlined and re-planned for every decision row (about
-- 0.1 ms each). Now inserted decisions are expanded once per statement from the transition
-- table (one set-based INSERT for a whole group-committed batch), and updates keep the per-row
-- trigger over a PL/pgSQL fill, whose statement plan is cached per session.

-- A decision's top three suggestions (key, kind, rank) as both triggers below store them.
-- Plain SQL with one SELECT: PostgreSQL inlines it into the statement that calls it.
CREATE FUNCTION decision_suggestion_items(suggestions jsonb)
RETURNS TABLE (key text, kind text, rank int)
LANGUAGE sql IMMUTABLE AS $$
  SELECT s.key, s.kind, s.rank
  FROM (
    SELECT COALESCE(e.value ->> 'treatmentId', e.value ->> 'treatmentKey', e.value ->> 'key') AS key,
           e.value ->> 'kind' AS kind,
           COALESCE(CASE WHEN jsonb_typeof(e.value -> 'rank') = 'number'
                         THEN (e.value ->> 'rank')::numeric::int END, e.ordinality::int) AS rank
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(suggestions) = 'array'
                                   THEN suggestions ELSE '[]'::jsonb END)
         WITH ORDINALITY AS e (value, ordinality)
    WHERE jsonb_typeof(e.value) = 'object'
  ) s
  WHERE s.key IS NOT NULL AND s.rank <= 3
$$;

CREATE OR REPLACE FUNCTION decision_suggestions_fill(d decisions) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_suggestions
    (decision_id, treatment_key, kind, rank, control_group, agent, customer_id, created_at)
  SELECT d.id, s.key, s.kind, s.rank, d.control_group, d.agent, d.customer_id, d.created_at
  FROM decision_suggestion_items(d.suggestions) s
  ON CONFLICT (decision_id, treatment_key) DO NOTHING;
END $$;

-- The same expansion for every decision a statement inserted.
CREATE FUNCTION decision_suggestions_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_suggestions
    (decision_id, treatment_key, kind, rank, control_group, agent, customer_id, created_at)
  SELECT d.id, s.key, s.kind, s.rank, d.control_group, d.agent, d.customer_id, d.created_at
  FROM new_decisions d
  CROSS JOIN LATERAL decision_suggestion_items(d.suggestions) s
  ON CONFLICT (decision_id, treatment_key) DO NOTHING;
  RETURN NULL;
END $$;

-- A transition table cannot go with two events or a column list: one trigger per event.
DROP TRIGGER decisions_suggestions ON decisions;
CREATE TRIGGER decisions_suggestions_insert AFTER INSERT ON decisions
  REFERENCING NEW TABLE AS new_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_suggestions_on_insert();
CREATE TRIGGER decisions_suggestions_update
AFTER UPDATE OF suggestions, control_group, agent, created_at, customer_id ON decisions
FOR EACH ROW EXECUTE FUNCTION decision_suggestions_trigger();
