-- Host discovery's dependency edges with their first and last sighting. An edge a report drops stays, not
-- present, with the time it was last seen (pruned past 7 days and past the newest 2048 gone ones per host);
-- while present, its last sighting is its host's latest report (discovery_hosts.scanned_at).
CREATE TABLE discovery_edges (
    target_id      uuid        NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    direction      text        NOT NULL CHECK (direction IN ('upstream', 'downstream')),
    protocol       text        NOT NULL CHECK (protocol IN ('tcp', 'udp')),
    process        text        NOT NULL,
    port           integer     NOT NULL CHECK (port BETWEEN 0 AND 65535),
    remote_address text        NOT NULL,
    count          bigint      NOT NULL CHECK (count >= 0),
    present        boolean     NOT NULL,
    first_seen     timestamptz NOT NULL,
    last_seen      timestamptz NOT NULL,
    PRIMARY KEY (target_id, direction, protocol, process, port, remote_address)
);
-- The fleet graph and the metrics read the present edges of every host.
CREATE INDEX discovery_edges_present_idx ON discovery_edges (target_id) WHERE present;
