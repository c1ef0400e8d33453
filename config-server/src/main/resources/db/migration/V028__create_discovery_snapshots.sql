-- Host discovery (issue 11): the latest summary each agent reported on its new result stream 'discovery'
-- (stored exactly once by seq through result_cursors, like checks and probes).
ALTER TABLE result_cursors DROP CONSTRAINT result_cursors_stream_check;
ALTER TABLE result_cursors ADD CONSTRAINT result_cursors_stream_check CHECK (stream IN ('checks', 'probes', 'discovery'));

-- One row per host that reported: the seq of the report the snapshot is at (a diff applies only onto the report
-- it names), when that scan ran, and the host's TCP connections by state (whole in every report).
CREATE TABLE discovery_hosts (
    target_id    uuid        PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    last_seq     bigint      NOT NULL,
    scanned_at   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    full_at      timestamptz NOT NULL,
    partial      boolean     NOT NULL,
    truncated    boolean     NOT NULL,
    state_totals jsonb       NOT NULL,
    diffs_skipped bigint     NOT NULL DEFAULT 0
);

CREATE TABLE discovery_services (
    target_id uuid    NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    protocol  text    NOT NULL CHECK (protocol IN ('tcp', 'udp')),
    bind      text    NOT NULL,
    port      integer NOT NULL CHECK (port BETWEEN 0 AND 65535),
    process   text    NOT NULL,
    count     bigint  NOT NULL CHECK (count > 0),
    PRIMARY KEY (target_id, protocol, bind, port, process)
);

CREATE TABLE discovery_states (
    target_id      uuid    NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    state          text    NOT NULL,
    process        text    NOT NULL,
    container      text    NOT NULL,
    local_port     integer NOT NULL CHECK (local_port BETWEEN 0 AND 65535),
    remote_address text    NOT NULL,
    remote_port    integer NOT NULL CHECK (remote_port BETWEEN 0 AND 65535),
    count          bigint  NOT NULL CHECK (count > 0),
    PRIMARY KEY (target_id, state, process, container, local_port, remote_address, remote_port)
);
