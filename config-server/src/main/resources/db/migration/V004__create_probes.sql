-- Connectivity probe policies, their results (history + latest), delivered like checks.

CREATE TABLE probes (
    id               uuid        PRIMARY KEY,
    name             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    source_ip        text,
    source_port      integer     CHECK (source_port BETWEEN 0 AND 65535),
    target           text,
    target_group_id  uuid        REFERENCES groups (id) ON DELETE RESTRICT,
    target_port      integer     NOT NULL CHECK (target_port BETWEEN 1 AND 65535),
    protocol         text        NOT NULL CHECK (protocol IN ('TCP', 'UDP')),
    timeout_ms       integer     NOT NULL CHECK (timeout_ms BETWEEN 1 AND 60000),
    interval_seconds integer     NOT NULL CHECK (interval_seconds >= 1),
    payload          text,
    expect           text,
    udp_no_reply_ok  boolean     NOT NULL DEFAULT false,
    scope            text        NOT NULL CHECK (scope IN ('global', 'group', 'target')),
    group_id         uuid        REFERENCES groups (id) ON DELETE RESTRICT,
    target_id        uuid        REFERENCES targets (id) ON DELETE CASCADE,
    labels           jsonb       NOT NULL DEFAULT '{}',
    enabled          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((target IS NULL) <> (target_group_id IS NULL)),
    CHECK ((scope = 'global' AND group_id IS NULL AND target_id IS NULL)
        OR (scope = 'group' AND group_id IS NOT NULL AND target_id IS NULL)
        OR (scope = 'target' AND target_id IS NOT NULL AND group_id IS NULL))
);
CREATE UNIQUE INDEX probes_scope_name_key
    ON probes (scope, coalesce(group_id, target_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX probes_group_idx ON probes (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX probes_target_idx ON probes (target_id) WHERE target_id IS NOT NULL;
CREATE INDEX probes_target_group_idx ON probes (target_group_id) WHERE target_group_id IS NOT NULL;

-- dest_key names the destination within a probe: the member target's id for a group-to-group
-- probe, else the probe's target as written.
CREATE TABLE probe_results (
    target_id             uuid             NOT NULL,
    seq                   bigint           NOT NULL,
    probe_id              uuid             NOT NULL,
    dest_key              text             NOT NULL,
    destination_target_id uuid,
    target                text             NOT NULL,
    target_ip             text,
    target_port           integer          NOT NULL,
    protocol              text             NOT NULL,
    source_ip             text,
    source_port           integer,
    success               boolean          NOT NULL,
    reason                text             NOT NULL,
    dns_ms                double precision,
    connect_ms            double precision,
    total_ms              double precision NOT NULL,
    executed_at           timestamptz      NOT NULL,
    received_at           timestamptz      NOT NULL
) PARTITION BY RANGE (received_at);
CREATE INDEX probe_results_target_probe_idx ON probe_results (target_id, probe_id, executed_at DESC);

CREATE TABLE probe_latest (
    target_id             uuid             NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    probe_id              uuid             NOT NULL REFERENCES probes (id) ON DELETE CASCADE,
    dest_key              text             NOT NULL,
    destination_target_id uuid,
    seq                   bigint           NOT NULL,
    target                text             NOT NULL,
    target_ip             text,
    target_port           integer          NOT NULL,
    protocol              text             NOT NULL,
    success               boolean          NOT NULL,
    reason                text             NOT NULL,
    total_ms              double precision NOT NULL,
    executed_at           timestamptz      NOT NULL,
    received_at           timestamptz      NOT NULL,
    PRIMARY KEY (target_id, probe_id, dest_key)
);
CREATE INDEX probe_latest_probe_idx ON probe_latest (probe_id);
