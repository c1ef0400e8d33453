-- A first enrollment whose answer was lost may be retried too, when the agent chose its own
-- agent_token (only the hash was sent): by the same CSR key and the same token hash, until
-- registration_retry_until or until the agent first uses its credential. Such a window has
-- registration_retry_token_sha256 NULL (no replaced token exists) and the SHA-256 of the key's DER
-- SubjectPublicKeyInfo here (NULL when the server issued no certificate, TLS off).
ALTER TABLE targets ADD COLUMN registration_retry_key_sha256 bytea;
