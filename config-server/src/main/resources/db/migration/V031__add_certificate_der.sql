-- The agent's current client certificate itself (DER). A renewal whose answer was lost is retried with the
-- certificate it replaced and a CSR for this certificate's key, which only the agent holding that private key can
-- sign; it is answered with this same certificate, so a retry never issues a second one or supersedes the first.
-- NULL for certificates issued before this column: their lost answers are not recognised.
ALTER TABLE targets ADD COLUMN certificate_der bytea;
