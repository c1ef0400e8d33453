-- Stream epochs: an agent's result numbering restarts when its spool starts over, and each numbering
-- has its own random epoch (a uuid). The cursor that makes delivery exactly-once is kept per
-- (target, stream, epoch), so a restarted numbering is stored instead of being taken for duplicates.
-- Rows written before epochs, and batches of agents that send none, belong to the nil uuid.

ALTER TABLE result_cursors ADD COLUMN epoch uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
-- When the epoch last stored something: the newest other epoch is the one a reset replaced, and the
-- least recently used ones are pruned (StreamCursors keeps a bounded number per target and stream).
ALTER TABLE result_cursors ADD COLUMN last_stored_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE result_cursors ALTER COLUMN epoch DROP DEFAULT;
ALTER TABLE result_cursors ALTER COLUMN last_stored_at DROP DEFAULT;
ALTER TABLE result_cursors DROP CONSTRAINT result_cursors_pkey;
ALTER TABLE result_cursors ADD PRIMARY KEY (target_id, stream, epoch);

-- History and latest rows say which numbering their seq belongs to: (epoch, seq) is unique per
-- target and stream, seq alone no longer is; the latest row is replaced by any newer seq of its
-- epoch and by any result of another epoch (the agent's current numbering).
ALTER TABLE check_results ADD COLUMN epoch uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE check_results ALTER COLUMN epoch DROP DEFAULT;
ALTER TABLE check_latest ADD COLUMN epoch uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE check_latest ALTER COLUMN epoch DROP DEFAULT;
ALTER TABLE probe_results ADD COLUMN epoch uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE probe_results ALTER COLUMN epoch DROP DEFAULT;
ALTER TABLE probe_latest ADD COLUMN epoch uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE probe_latest ALTER COLUMN epoch DROP DEFAULT;
