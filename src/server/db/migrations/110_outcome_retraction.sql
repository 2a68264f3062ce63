-- A CSR may take back an outcome they recorded (Undo in the side panel, sent through the
-- extension's outbox as a correction). The row stays, so the history keeps what was recorded
-- and when it was taken back; every reader counts only outcomes that were not retracted.

-- retracted_at: when the CSR took it back (their clock, as occurred_at is); retracted_by: who
-- (always the agent who recorded it: POST /v1/outcomes/retractions allows no one else);
-- retraction_received_at: when the backend stored the retraction.
ALTER TABLE outcomes
  ADD COLUMN retracted_at timestamptz,
  ADD COLUMN retracted_by text,
  ADD COLUMN retraction_received_at timestamptz,
  ADD CONSTRAINT outcomes_retraction_complete CHECK (
    (retracted_at IS NULL AND retracted_by IS NULL AND retraction_received_at IS NULL)
    OR (retracted_at IS NOT NULL AND retracted_by IS NOT NULL
        AND retraction_received_at IS NOT NULL));

-- Offer status (migration 040) from the outcomes still standing. A retraction is an UPDATE of
-- the outcome, which the outcomes_offer_status_update trigger already turns into a refresh of
-- its (decision, treatment); a pair left with no standing outcome loses its row.
CREATE OR REPLACE FUNCTION offer_status_refresh(p_decisions uuid[], p_treatments text[])
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
    AND o.retracted_at IS NULL
  JOIN decisions d ON d.id = o.decision_id
  LEFT JOIN decision_suggestions dk
    ON dk.decision_id = o.decision_id AND dk.treatment_key = o.treatment_key
  GROUP BY o.decision_id, o.treatment_key, d.created_at, d.agent, d.customer_id, d.control_group,
    dk.decision_id, dk.kind;
$$;

-- Note search (migration 050) holds the notes of standing outcomes only: a retraction (an
-- UPDATE) removes its note from the search.
CREATE OR REPLACE FUNCTION outcome_notes_on_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM outcome_notes n USING old_outcomes o WHERE n.outcome_id = o.id;
  END IF;
  INSERT INTO outcome_notes (outcome_id, occurred_at, agent, note_search)
  SELECT o.id, o.occurred_at, o.agent, to_tsvector('english', o.note)
  FROM new_outcomes o WHERE o.note IS NOT NULL AND o.retracted_at IS NULL;
  RETURN NULL;
END $$;
