-- The console's browser sessions (issue 10, step 2), in the database so every replica knows them. Only the
-- SHA-256 of the session id is stored (the id has ~206 bits, so a slow hash would add nothing): a leaked row
-- cannot be replayed as a cookie, nor give the CSRF token, which is derived from the id.
CREATE TABLE sessions (
    id            uuid        PRIMARY KEY,
    secret_sha256 bytea       NOT NULL UNIQUE,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    -- Moved forward at most once a minute by the requests that use the session (the idle timeout's clock).
    last_seen_at  timestamptz NOT NULL,
    address       text        NOT NULL CHECK (length(address) <= 100)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);
