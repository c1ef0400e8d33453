-- The audit log (issue 10): one row per change made through the admin API, written in the change's own
-- transaction. No foreign keys: a row outlives the user, target or check it names.

CREATE TABLE audit_events (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL,
    actor_kind     text        NOT NULL CHECK (actor_kind IN ('user', 'break_glass')),
    actor_id       uuid,
    actor_name     text        NOT NULL CHECK (length(actor_name) <= 200),
    source_address text        NOT NULL CHECK (length(source_address) <= 100),
    action         text        NOT NULL CHECK (length(action) <= 40),
    object_type    text        NOT NULL CHECK (length(object_type) <= 40),
    object_id      text        NOT NULL CHECK (length(object_id) <= 100),
    -- The object's state without secrets; bounded by the server (a larger state is stored as its digest).
    before         jsonb,
    after          jsonb
);

-- The API's filters, each read newest first by id (keyset paging).
CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_events_actor_name_idx ON audit_events (lower(actor_name), id);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, id);
CREATE INDEX audit_events_object_id_idx ON audit_events (object_id, id);
-- since/until, and retention's pruning of the oldest rows.
CREATE INDEX audit_events_at_idx ON audit_events (at);

-- A row is never changed once written: no code path updates one, and this refuses it should one appear.
-- Rows leave only by retention's DELETE of old ones.
CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events rows cannot be changed';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_immutable();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable();
