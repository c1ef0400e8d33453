-- Check policies and the per-target policy versions agents pull.

CREATE TABLE checks (
    id               uuid        PRIMARY KEY,
    name             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    interpreter      text        NOT NULL,
    script           text        NOT NULL,
    script_sha256    text        NOT NULL,
    args             jsonb       NOT NULL DEFAULT '[]',
    env              jsonb       NOT NULL DEFAULT '{}',
    interval_seconds integer     NOT NULL CHECK (interval_seconds >= 1),
    timeout_seconds  integer     NOT NULL CHECK (timeout_seconds >= 1 AND timeout_seconds <= interval_seconds),
    scope            text        NOT NULL CHECK (scope IN ('global', 'group', 'target')),
    group_id         uuid        REFERENCES groups (id) ON DELETE RESTRICT,
    target_id        uuid        REFERENCES targets (id) ON DELETE CASCADE,
    labels           jsonb       NOT NULL DEFAULT '{}',
    enabled          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((scope = 'global' AND group_id IS NULL AND target_id IS NULL)
        OR (scope = 'group' AND group_id IS NOT NULL AND target_id IS NULL)
        OR (scope = 'target' AND target_id IS NOT NULL AND group_id IS NULL))
);
-- A name is unique within its scope (one global, one per group, one per target).
CREATE UNIQUE INDEX checks_scope_name_key
    ON checks (scope, coalesce(group_id, target_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX checks_group_idx ON checks (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX checks_target_idx ON checks (target_id) WHERE target_id IS NOT NULL;

-- The version of each target's effective policy: bumped (from one sequence, so versions only
-- ever grow) whenever the content hash of the set changes. Computed when an agent pulls.
CREATE SEQUENCE policy_version_seq;
CREATE TABLE target_policies (
    target_id      uuid        PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    version        bigint      NOT NULL,
    content_sha256 text        NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- The version an agent reports it runs (heartbeat), so a rollout is visible agent by agent.
ALTER TABLE targets ADD COLUMN policy_version bigint;
