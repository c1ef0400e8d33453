-- Groups, bootstrap tokens and targets: the state every replica shares.

CREATE TABLE groups (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    labels      jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX groups_name_key ON groups (lower(name));

-- Only a SHA-256 of the secret half of a token is stored; the public id is the key.
CREATE TABLE bootstrap_tokens (
    id            text        PRIMARY KEY,
    name          text        NOT NULL,
    secret_sha256 bytea       NOT NULL,
    group_id      uuid        REFERENCES groups (id) ON DELETE RESTRICT,
    labels        jsonb       NOT NULL DEFAULT '{}',
    allowed_cidrs jsonb       NOT NULL DEFAULT '[]',
    max_uses      integer     NOT NULL CHECK (max_uses > 0),
    uses          integer     NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    created_at    timestamptz NOT NULL
);

-- A target is a monitored host; its id is the agent's own UUID. status is maintained by
-- heartbeats (online) and one periodic sweep over offline_after (offline).
CREATE TABLE targets (
    id                         uuid        PRIMARY KEY,
    hostname                   text        NOT NULL,
    ip_address                 text,
    group_id                   uuid        REFERENCES groups (id) ON DELETE RESTRICT,
    labels                     jsonb       NOT NULL DEFAULT '{}',
    metadata                   jsonb       NOT NULL DEFAULT '{}',
    status                     text        NOT NULL DEFAULT 'pending'
                                           CHECK (status IN ('pending', 'online', 'offline', 'revoked')),
    agent_token_sha256         bytea,
    enrolled_by_token          text        REFERENCES bootstrap_tokens (id) ON DELETE SET NULL,
    agent_version              text,
    uptime_seconds             bigint,
    queue_depth                integer,
    heartbeat_interval_seconds integer,
    registered_at              timestamptz,
    last_heartbeat_at          timestamptz,
    offline_after              timestamptz,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL
);
CREATE UNIQUE INDEX targets_agent_token_key ON targets (agent_token_sha256) WHERE agent_token_sha256 IS NOT NULL;
CREATE INDEX targets_group_idx ON targets (group_id);
CREATE INDEX targets_status_idx ON targets (status);
-- The liveness sweep reads only online targets past their deadline.
CREATE INDEX targets_online_deadline_idx ON targets (offline_after) WHERE status = 'online';
