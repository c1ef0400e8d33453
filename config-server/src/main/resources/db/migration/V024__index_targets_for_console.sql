-- The console's target list (issue 10) pages by keyset on (sort key, id): with these, the page sorted by hostname
-- or by status is an index range scan of 51 rows, however deep the page and however many targets. Neither column is
-- written by heartbeats (a heartbeat keeps an online target's status unchanged), so heartbeat updates stay HOT (V014).
-- Last heartbeat is deliberately not indexed, for the same reason: that sort is a top-N sort over the filtered rows.
CREATE INDEX targets_hostname_id_idx ON targets (hostname, id);
CREATE INDEX targets_status_id_idx ON targets (status, id);
