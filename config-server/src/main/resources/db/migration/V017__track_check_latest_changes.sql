-- Which targets' latest check results changed, and by which transaction, so that /metrics re-renders
-- only those targets (metrics.CheckBlocks) instead of reading all of check_latest on every render
-- (100,000 rows at 1,000 targets x 100 checks). One row per target, not a column on check_latest: an
-- indexed column rewritten by every result would make no check_latest update HOT; this table has one
-- row per target and no index besides its key, and a render reads it whole (a thousand rows).
--
-- Correct across replicas and regardless of commit order: a render notes the xmin of its snapshot
-- (every transaction with a lower id had finished before it, so the render saw its rows); the next
-- render re-renders every target whose row names a transaction at or above that xmin. A transaction
-- still running during a render, or begun after it, gets an id at or above it.
CREATE TABLE check_latest_changes (
    target_id   uuid PRIMARY KEY,
    changed_xid xid8 NOT NULL
);

-- Statement-level: one upsert per ingest statement (usually one target), not one per row. Targets in
-- key order, so two statements touching the same targets lock them in the same order (no deadlock).
-- No foreign key: a target's deletion cascades to check_latest, which fires the DELETE trigger after
-- the target row is gone; a leftover row for a deleted target is never read for anything.
CREATE FUNCTION note_check_latest_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO check_latest_changes (target_id, changed_xid)
        SELECT DISTINCT target_id, pg_current_xact_id() FROM changed_old ORDER BY target_id
        ON CONFLICT (target_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid;
    ELSE
        INSERT INTO check_latest_changes (target_id, changed_xid)
        SELECT DISTINCT target_id, pg_current_xact_id() FROM changed_new ORDER BY target_id
        ON CONFLICT (target_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER check_latest_inserted AFTER INSERT ON check_latest
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION note_check_latest_changes();
CREATE TRIGGER check_latest_updated AFTER UPDATE ON check_latest
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION note_check_latest_changes();
CREATE TRIGGER check_latest_deleted AFTER DELETE ON check_latest
    REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION note_check_latest_changes();
