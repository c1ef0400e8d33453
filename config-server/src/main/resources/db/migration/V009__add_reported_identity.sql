-- What an agent reports about itself at enrollment, kept beside the operator's record
-- (hostname, group_id, labels), which enrollment never changes once the target exists: a target
-- pre-registered by PUT (Terraform) keeps exactly what the operator gave, so the next identical PUT
-- is a no-op. NULL until the agent first enrolls.
ALTER TABLE targets ADD COLUMN reported_hostname text;
ALTER TABLE targets ADD COLUMN reported_ip text;
ALTER TABLE targets ADD COLUMN reported_labels jsonb;

-- Up to now every enrollment wrote the agent's hostname and address over the row, so for a target
-- that has enrolled they are exactly its last report. Its labels were merged with the operator's and
-- the token's and cannot be told apart: reported_labels stays NULL until the next enrollment.
UPDATE targets SET reported_hostname = hostname, reported_ip = ip_address WHERE registered_at IS NOT NULL;
