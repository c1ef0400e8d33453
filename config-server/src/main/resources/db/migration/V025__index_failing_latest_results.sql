-- The console's check and probe pages count and list the failing latest results of each check and probe (how many
-- targets fail a check, which ones, the failing probe pairs). Failing rows are usually few among a fleet's latest
-- results (50,000 targets × their checks): these partial indexes let those pages read only them.
CREATE INDEX check_latest_failing_idx ON check_latest (check_id) WHERE status <> 0;
CREATE INDEX probe_latest_failing_idx ON probe_latest (probe_id) WHERE NOT success;
