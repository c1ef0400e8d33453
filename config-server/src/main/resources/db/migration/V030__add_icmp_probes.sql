-- ICMP echo probes: the protocol list grows; an ICMP probe has no port (target_port 0, source_port absent or 0) and its
-- options (count, interval_ms) live in one jsonb object (NULL for the other protocols, whose rows stay as they were);
-- results carry the mean round trip and the loss percentage (the latest row keeps both for the fleet's series).
ALTER TABLE probes DROP CONSTRAINT probes_protocol_check;
ALTER TABLE probes ADD CONSTRAINT probes_protocol_check CHECK (protocol IN ('TCP', 'UDP', 'HTTP', 'HTTPS', 'ICMP'));
ALTER TABLE probes DROP CONSTRAINT probes_target_port_check;
ALTER TABLE probes ADD CONSTRAINT probes_target_port_check
    CHECK (CASE WHEN protocol = 'ICMP' THEN target_port = 0 AND coalesce(source_port, 0) = 0
                ELSE target_port BETWEEN 1 AND 65535 END);
ALTER TABLE probes ADD COLUMN icmp jsonb;
ALTER TABLE probes ADD CONSTRAINT probes_icmp_check CHECK ((icmp IS NOT NULL) = (protocol = 'ICMP'));

ALTER TABLE probe_results ADD COLUMN rtt_ms double precision, ADD COLUMN loss_percent double precision;
ALTER TABLE probe_latest ADD COLUMN rtt_ms double precision, ADD COLUMN loss_percent double precision;
