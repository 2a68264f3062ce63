-- Supervisor workspace: what the KPI and review queries need, coaching notes, team scoping.

-- When the same customer next got in touch (strictly later), kept by trigger, so first-contact
-- resolution and repeat-contact rate are one range scan instead of a lookup per contact.
ALTER TABLE contacts ADD COLUMN next_contact_at timestamptz;

CREATE FUNCTION contacts_refresh_next_contact(p_customer bigint, p_before timestamptz)
RETURNS void LANGUAGE sql AS $$
  -- The contacts just before p_before (all of them if they share one time) get their new next.
  UPDATE contacts p SET next_contact_at = (
      SELECT min(n.started_at) FROM contacts n
      WHERE n.customer_id = p.customer_id AND n.started_at > p.started_at)
  WHERE p.customer_id = p_customer
    AND p.started_at = (SELECT max(q.started_at) FROM contacts q
                        WHERE q.customer_id = p_customer AND q.started_at < p_before);
$$;

CREATE FUNCTION contacts_next_contact_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM contacts_refresh_next_contact(OLD.customer_id, OLD.started_at);
    RETURN OLD;
  END IF;
  UPDATE contacts SET next_contact_at = (
      SELECT min(n.started_at) FROM contacts n
      WHERE n.customer_id = NEW.customer_id AND n.started_at > NEW.started_at)
  WHERE id = NEW.id;
  PERFORM contacts_refresh_next_contact(NEW.customer_id, NEW.started_at);
  IF TG_OP = 'UPDATE' THEN
    PERFORM contacts_refresh_next_contact(OLD.customer_id, OLD.started_at);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER contacts_next_contact
AFTER INSERT OR DELETE OR UPDATE OF started_at, customer_id ON contacts
FOR EACH ROW EXECUTE FUNCTION contacts_next_contact_trigger();

UPDATE contacts c SET next_contact_at = (
  SELECT min(n.started_at) FROM contacts n
  WHERE n.customer_id = c.customer_id AND n.started_at > c.started_at);

-- Covering index: the contact KPIs read only these columns for a period.
CREATE INDEX contacts_started_kpi ON contacts (started_at)
  INCLUDE (customer_id, agent_id, team_id, csat, resolved_first_contact, next_contact_at, reason);

-- Shown suggestions, one row per decision and treatment, kept by trigger from
-- decisions.suggestions: the panel shows the top three (rank <= 3, or array order when the
-- element has no rank). For control-group decisions these are what was withheld.
CREATE TABLE decision_suggestions (
  decision_id uuid NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  treatment_key text NOT NULL,
  kind text,
  rank int NOT NULL,
  control_group boolean NOT NULL,
  agent text NOT NULL,
  customer_id bigint NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (decision_id, treatment_key)
);
CREATE INDEX decision_suggestions_time ON decision_suggestions (created_at);
CREATE INDEX decision_suggestions_treatment_time ON decision_suggestions (treatment_key, created_at);

CREATE FUNCTION decision_suggestions_fill(d decisions) RETURNS void LANGUAGE sql AS $$
  INSERT INTO decision_suggestions
    (decision_id, treatment_key, kind, rank, control_group, agent, customer_id, created_at)
  SELECT d.id, s.key, s.kind, s.rank, d.control_group, d.agent, d.customer_id, d.created_at
  FROM (
    SELECT COALESCE(e.value ->> 'treatmentId', e.value ->> 'treatmentKey', e.value ->> 'key') AS key,
           e.value ->> 'kind' AS kind,
           COALESCE(CASE WHEN jsonb_typeof(e.value -> 'rank') = 'number'
                         THEN (e.value ->> 'rank')::numeric::int END, e.ordinality::int) AS rank
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d.suggestions) = 'array'
                                   THEN d.suggestions ELSE '[]'::jsonb END)
         WITH ORDINALITY AS e (value, ordinality)
    WHERE jsonb_typeof(e.value) = 'object'
  ) s
  WHERE s.key IS NOT NULL AND s.rank <= 3
  ON CONFLICT (decision_id, treatment_key) DO NOTHING;
$$;

CREATE FUNCTION decision_suggestions_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM decision_suggestions WHERE decision_id = OLD.id;
  END IF;
  PERFORM decision_suggestions_fill(NEW);
  RETURN NEW;
END $$;

CREATE TRIGGER decisions_suggestions
AFTER INSERT OR UPDATE OF suggestions, control_group, agent, created_at ON decisions
FOR EACH ROW EXECUTE FUNCTION decision_suggestions_trigger();

SELECT decision_suggestions_fill(d) FROM decisions d;

CREATE INDEX decisions_created ON decisions (created_at);
CREATE INDEX outcomes_treatment_decision ON outcomes (treatment_key, decision_id);
CREATE INDEX outcomes_with_note ON outcomes (occurred_at DESC) WHERE note IS NOT NULL;

-- A supervisor sees the team of their own agents row plus any team listed here.
CREATE TABLE supervisor_teams (
  supervisor text NOT NULL,
  team_id bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  PRIMARY KEY (supervisor, team_id)
);

CREATE TABLE coaching_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent text NOT NULL,
  note text NOT NULL,
  author text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coaching_notes_agent ON coaching_notes (agent, created_at DESC);
