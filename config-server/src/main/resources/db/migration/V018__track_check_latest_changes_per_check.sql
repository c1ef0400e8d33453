-- V017's change marker, per (target, check) instead of per target, so that /metrics (metrics.CheckBlocks) reads and
-- renders again only the checks whose latest result changed, not the whole block of every target that got one new
-- result (with 1,000 random changes at 1,000 targets x 100 checks, 63 % of the targets, 63,000 rows, for 1,000).
-- Same rule as V017: a render notes its snapshot's xmin; the next one reads every pair whose row names a transaction
-- at or above it (any replica, any commit order). Still a table of its own rather than a column on check_latest.
-- At most one row per check_latest row; a render filters it by changed_xid in one sequential pass inside PostgreSQL
-- (no index on changed_xid: every upsert rewrites it, so an index would cost each one its HOT update).
CREATE TABLE check_latest_check_changes (
    target_id   uuid NOT NULL,
    check_id    uuid NOT NULL,
    changed_xid xid8 NOT NULL,
    PRIMARY KEY (target_id, check_id)
);

-- Nothing is carried over from V017's table: a server of this version renders everything at its first rendering
-- (nothing kept yet), and a replica of the previous version reads V017's table, dropped below, so its renderings fail
-- (aami_db_up 0) until it runs this version too. Copying every pair here would only hold the migration's locks longer.

-- Statement-level still: one INSERT ... SELECT per ingest statement, a row per distinct (target, check) it wrote
-- (an agent's batch touches one target and a few checks). Rows in key order, as check_latest's own upsert writes
-- them (check id order within a target), so two statements lock the pairs in one order (no deadlock).
-- Deleted rows whose target or check is gone (a cascade from its deletion) drop their marks instead: the target is
-- then absent from the rendering's targets, or the definitions changed (a full rendering); no row is left behind.
CREATE OR REPLACE FUNCTION note_check_latest_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM check_latest_check_changes ch USING changed_old o
        WHERE ch.target_id = o.target_id AND ch.check_id = o.check_id
          AND (NOT EXISTS (SELECT 1 FROM targets t WHERE t.id = o.target_id)
               OR NOT EXISTS (SELECT 1 FROM checks k WHERE k.id = o.check_id));
        INSERT INTO check_latest_check_changes (target_id, check_id, changed_xid)
        SELECT DISTINCT o.target_id, o.check_id, pg_current_xact_id() FROM changed_old o
        WHERE EXISTS (SELECT 1 FROM targets t WHERE t.id = o.target_id)
          AND EXISTS (SELECT 1 FROM checks k WHERE k.id = o.check_id)
        ORDER BY o.target_id, o.check_id
        ON CONFLICT (target_id, check_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid;
    ELSE
        INSERT INTO check_latest_check_changes (target_id, check_id, changed_xid)
        SELECT DISTINCT target_id, check_id, pg_current_xact_id() FROM changed_new ORDER BY target_id, check_id
        ON CONFLICT (target_id, check_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid;
    END IF;
    RETURN NULL;
END
$$;

DROP TABLE check_latest_changes;
