-- Check kinds (issues 11 and 12): a script check (every check so far) runs an interpreter on a script; a
-- process check is counted and measured by the agent from /proc (its match in `process`); a passive check
-- runs nothing, its results come from local programs, and it is stale like any other when none arrives.
-- Only a script check has interpreter, script and digest; only a process check has a match.

ALTER TABLE checks
    ADD COLUMN kind    text  NOT NULL DEFAULT 'script' CHECK (kind IN ('script', 'process', 'passive')),
    ADD COLUMN process jsonb,
    ALTER COLUMN interpreter DROP NOT NULL,
    ALTER COLUMN script DROP NOT NULL,
    ALTER COLUMN script_sha256 DROP NOT NULL,
    ADD CONSTRAINT checks_kind_fields CHECK (
        (kind = 'script' AND interpreter IS NOT NULL AND script IS NOT NULL AND script_sha256 IS NOT NULL
            AND process IS NULL)
        OR (kind = 'process' AND interpreter IS NULL AND script IS NULL AND script_sha256 IS NULL
            AND jsonb_typeof(process) = 'object')
        OR (kind = 'passive' AND interpreter IS NULL AND script IS NULL AND script_sha256 IS NULL
            AND process IS NULL));
