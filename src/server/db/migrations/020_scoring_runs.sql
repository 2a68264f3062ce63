-- One row per scoring run: what was scored as of when, which model versions, and where the time went.
CREATE TABLE scoring_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  as_of date NOT NULL,
  time_unit text NOT NULL CHECK (time_unit IN ('weeks', 'days')),
  customers int NOT NULL,
  snapshots int NOT NULL,
  model_versions jsonb NOT NULL DEFAULT '{}',
  timings jsonb NOT NULL DEFAULT '{}',
  actor text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);

-- "The current model of a kind" is the newest row of that kind.
CREATE INDEX models_kind_newest ON models (kind, id DESC);
