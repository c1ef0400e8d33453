-- The IP address the agent's last heartbeat came from, as the server's socket saw it (never a value the
-- agent reports): the Prometheus service discovery lists an agent's local API only at an address the
-- server can vouch for, and this is one (README "Prometheus and Grafana"). NULL until the next heartbeat.
-- Deliberately not indexed: every heartbeat writes it, and an index on it would make that UPDATE a non-HOT
-- one (a new index entry per heartbeat) instead of an in-page rewrite.
ALTER TABLE targets ADD COLUMN last_heartbeat_ip text;
