-- Every heartbeat rewrites its target's row and moves offline_after (the next deadline). That column was
-- indexed (targets_online_deadline_idx, for the liveness sweep), so no heartbeat UPDATE could be a HOT
-- (heap-only tuple) update: each one added an entry to every index on targets and left a dead tuple for
-- vacuum (issue 14: 1.45M updates, 265 HOT, 214k dead tuples for 1,003 rows). No other column a
-- heartbeat writes is indexed (last_heartbeat_ip is deliberately not, V013); status is, but a heartbeat
-- keeps it at 'online' for an online target, and an unchanged value does not prevent HOT.
--
-- The sweep (HeartbeatStore.SWEEP: status = 'online' AND offline_after < now, every heartbeat.sweep_interval,
-- 5 s by default) does without it: a sequential scan of targets (or targets_status_idx when few are
-- online), one pass with both conditions as a filter. EXPLAIN ANALYZE on PostgreSQL 15 with 100,000
-- online targets (36 MB at fillfactor 50): the index scan took 0.1 ms, the sequential scan 31 ms, so
-- about 0.6% of one core at the default interval. It saves index writes on every heartbeat (100,000
-- targets at a 30 s interval: over 3,000 heartbeats a second, each touching all five indexes) and the
-- dead tuples vacuum had to chase. Beyond a few hundred thousand targets, a longer sweep_interval.
DROP INDEX IF EXISTS targets_online_deadline_idx;

-- A HOT update needs room on the row's own page. Half of each page is left free for the new versions
-- of its rows; page pruning reclaims the old ones without vacuum. Applies to pages written from now
-- on; existing pages gain room as vacuum frees their dead tuples.
ALTER TABLE targets SET (fillfactor = 50);
