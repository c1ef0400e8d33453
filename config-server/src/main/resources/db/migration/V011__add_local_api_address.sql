-- Where each agent's local API (and its /metrics) listens, as its last heartbeat reported it; NULL when
-- the API is off or the agent is older than the field. The Prometheus service discovery reads it.
ALTER TABLE targets ADD COLUMN local_api_host text;
ALTER TABLE targets ADD COLUMN local_api_port integer CHECK (local_api_port BETWEEN 1 AND 65535);
