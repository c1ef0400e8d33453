-- Revocation, retired identities, the bootstrap-token audit trail, policy refusals and certificates.

ALTER TABLE targets ADD COLUMN revoked_at timestamptz;
ALTER TABLE targets ADD COLUMN policy_error text;
ALTER TABLE targets ADD COLUMN certificate_serial text;
ALTER TABLE targets ADD COLUMN certificate_expires_at timestamptz;

-- An agent id once deleted or revoked is never handed to another enrollment.
CREATE TABLE retired_agent_ids (
    id         uuid        PRIMARY KEY,
    reason     text        NOT NULL CHECK (reason IN ('deleted', 'revoked')),
    retired_at timestamptz NOT NULL
);

-- Every attempt to use a bootstrap token: when, from where, for which target, with what outcome.
CREATE TABLE bootstrap_token_uses (
    id         bigserial   PRIMARY KEY,
    token_id   text        NOT NULL REFERENCES bootstrap_tokens (id) ON DELETE CASCADE,
    used_at    timestamptz NOT NULL,
    source_ip  text        NOT NULL,
    target_id  uuid,
    outcome    text        NOT NULL
);
CREATE INDEX bootstrap_token_uses_token_idx ON bootstrap_token_uses (token_id, used_at DESC);
