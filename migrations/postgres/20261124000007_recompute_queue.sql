-- Coverage recomputation after a registry change is a work queue: any server process may take a
-- pending change for a while (recompute_locked_until, a lease), and it is done once
-- (recomputed_at). recompute_runs counts the times it was taken.
ALTER TABLE registry_changes ADD COLUMN recomputed_at TEXT;
ALTER TABLE registry_changes ADD COLUMN recompute_locked_until TEXT;
ALTER TABLE registry_changes ADD COLUMN recompute_runs INTEGER NOT NULL DEFAULT 0;
-- Changes made before the queue were recomputed by whoever made them.
UPDATE registry_changes SET recomputed_at = created_at;
CREATE INDEX registry_changes_pending ON registry_changes (id) WHERE recomputed_at IS NULL;
