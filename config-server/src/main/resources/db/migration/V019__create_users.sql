-- Named users with one role each, and their API tokens (issue 10, access control).

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- Argon2id in PHC form; never the password.
    password_hash text        NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
-- Names are unique without regard to case, so "Alice" cannot pose as "alice".
CREATE UNIQUE INDEX users_name_key ON users (lower(name));

-- A user's API tokens: only the SHA-256 of the secret is stored (the secret has ~222 bits, so a slow hash
-- would add nothing). The token's id is in the token itself, so a request finds its row by primary key.
CREATE TABLE user_tokens (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    secret_sha256 bytea      NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
-- A name is unique among a user's live tokens; a revoked token's name may be used again.
CREATE UNIQUE INDEX user_tokens_live_name_key ON user_tokens (user_id, lower(name)) WHERE revoked_at IS NULL;
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, created_at);
