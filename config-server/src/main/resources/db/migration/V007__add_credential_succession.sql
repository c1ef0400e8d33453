-- One live client certificate per agent, and registration answers that can be retried.

-- After a renewal the certificate it replaced is accepted until previous_certificate_until, so a
-- request already in flight with it does not fail; after a re-enrollment there is no previous one.
ALTER TABLE targets ADD COLUMN previous_certificate_serial text;
ALTER TABLE targets ADD COLUMN previous_certificate_until timestamptz;

-- A re-enrollment whose answer was lost may be retried with the agent_token it replaced (only its
-- hash is kept), until registration_retry_until or until the agent first uses what it was given.
ALTER TABLE targets ADD COLUMN registration_retry_token_sha256 bytea;
ALTER TABLE targets ADD COLUMN registration_retry_until timestamptz;
