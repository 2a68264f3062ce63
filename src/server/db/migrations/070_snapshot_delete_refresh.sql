-- Deleting score snapshots (pruning old score history, scoring/prune-snapshots.ts) re-derived
-- the segment of every customer who lost one. A customer's segment row names the snapshot it
-- came from, and deleting any other snapshot leaves that one the latest, so only customers whose
-- own snapshot was deleted are re-derived. Updates still re-derive everyone touched: an update
-- can move a snapshot in time.
CREATE OR REPLACE FUNCTION customer_segments_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM customer_segments_refresh(ARRAY(
      SELECT customer_id FROM old_snapshots UNION SELECT customer_id FROM new_snapshots));
  ELSE
    PERFORM customer_segments_refresh(ARRAY(
      SELECT cs.customer_id FROM old_snapshots o
      JOIN customer_segments cs ON cs.customer_id = o.customer_id AND cs.snapshot_id = o.id));
  END IF;
  RETURN NULL;
END $$;
