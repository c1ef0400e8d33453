-- Failed password logins (the console's session login and POST /api/v1/login/tokens), counted here rather than in
-- each replica's memory so N replicas allow no more guesses than one (console review F7). One row per limited key:
-- scope 'address' (the client's address) or 'user' (the lower-cased name tried). full_at is when the key's bucket is
-- full again (a generic cell rate: each failure moves it one step further, capped at a whole burst ahead); a row whose
-- full_at has passed means no recent failure and is deleted by the hourly prune.
CREATE TABLE login_failures (
    scope   text        NOT NULL CHECK (scope IN ('address', 'user')),
    key     text        NOT NULL CHECK (length(key) <= 100),
    full_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX login_failures_full_at_idx ON login_failures (full_at);
