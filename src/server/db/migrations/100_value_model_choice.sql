-- Which purchase model (BG/NBD, MBG/NBD or Pareto/NBD) valued each snapshot, as "kind:version";
-- NULL on snapshots written before this migration, all of which BG/NBD valued.
ALTER TABLE score_snapshots ADD COLUMN value_model text;

-- The model a scoring run chose and why: {kind, version, basis, reason, holdout}, where holdout
-- holds the comparison of the models on the run's own history when there was enough of it.
ALTER TABLE scoring_runs ADD COLUMN value_model text;
ALTER TABLE scoring_runs ADD COLUMN model_choice jsonb;
