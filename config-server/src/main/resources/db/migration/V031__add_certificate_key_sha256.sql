-- The SHA-256 of the current client certificate's public key (DER SubjectPublicKeyInfo). A renewal whose answer was
-- lost is retried with the certificate it replaced and a CSR for this same key, which only the agent holding the new
-- private key can sign; it gets a certificate for that key instead of being refused as superseded.
-- NULL for certificates issued before this column: their lost answers are not recognised.
ALTER TABLE targets ADD COLUMN certificate_key_sha256 bytea;
