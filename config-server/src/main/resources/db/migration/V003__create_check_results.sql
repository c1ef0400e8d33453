-- Check result history (time-partitioned by arrival, retention by dropping partitions), the
-- latest state per (target, check), and the per-agent stream cursors that make delivery exactly-once.

CREATE TABLE check_results (
    target_id   uuid        NOT NULL,
    seq         bigint      NOT NULL,
    check_id    uuid        NOT NULL,
    status      smallint    NOT NULL,
    exit_code   integer,
    output      text        NOT NULL,
    truncated   boolean     NOT NULL,
    timed_out   boolean     NOT NULL,
    duration_ms bigint      NOT NULL,
    executed_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL
) PARTITION BY RANGE (received_at);
-- Partitions (check_results_pYYYYMMDD) are created ahead and dropped by PartitionMaintainer.
CREATE INDEX check_results_target_check_idx ON check_results (target_id, check_id, executed_at DESC);
CREATE INDEX check_results_target_time_idx ON check_results (target_id, executed_at DESC);

CREATE TABLE check_latest (
    target_id   uuid        NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    check_id    uuid        NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    seq         bigint      NOT NULL,
    status      smallint    NOT NULL,
    exit_code   integer,
    output      text        NOT NULL,
    truncated   boolean     NOT NULL,
    timed_out   boolean     NOT NULL,
    duration_ms bigint      NOT NULL,
    executed_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (target_id, check_id)
);
CREATE INDEX check_latest_check_idx ON check_latest (check_id);

-- high_water: the highest seq stored for the stream; anything at or below it is a duplicate.
CREATE TABLE result_cursors (
    target_id  uuid    NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    stream     text    NOT NULL CHECK (stream IN ('checks', 'probes')),
    high_water bigint  NOT NULL DEFAULT 0,
    gap_total  bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (target_id, stream)
);
