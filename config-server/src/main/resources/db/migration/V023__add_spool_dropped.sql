-- How many undelivered results the agent's spools dropped (a full spool drops its oldest segment) since the agent
-- started, as its last heartbeat said; NULL when that heartbeat did not say (agents older than the field), which is
-- "unknown", not 0. Written by every heartbeat and deliberately not indexed, so heartbeat updates stay HOT (V014):
-- the fleet summary counts it in the same sequential pass over targets as the statuses.
ALTER TABLE targets ADD COLUMN spool_dropped bigint CHECK (spool_dropped >= 0);
