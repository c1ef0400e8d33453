-- HTTP(S) probes: the protocol list grows, a probe's http options live in one jsonb object (NULL for TCP and UDP,
-- whose rows stay as they were), and results carry the HTTP status, the TLS and first-byte phases and the server
-- certificate's not_after (the latest row keeps status and not_after for the certificate-expiry series).
ALTER TABLE probes DROP CONSTRAINT probes_protocol_check;
ALTER TABLE probes ADD CONSTRAINT probes_protocol_check CHECK (protocol IN ('TCP', 'UDP', 'HTTP', 'HTTPS'));
ALTER TABLE probes ADD COLUMN http jsonb;
ALTER TABLE probes ADD CONSTRAINT probes_http_check CHECK ((http IS NOT NULL) = (protocol IN ('HTTP', 'HTTPS')));

ALTER TABLE probe_results ADD COLUMN http_status integer, ADD COLUMN tls_ms double precision,
    ADD COLUMN first_byte_ms double precision, ADD COLUMN cert_not_after timestamptz;
ALTER TABLE probe_latest ADD COLUMN http_status integer, ADD COLUMN cert_not_after timestamptz;
