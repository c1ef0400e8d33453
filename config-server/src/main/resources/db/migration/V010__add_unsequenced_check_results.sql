-- Check results sent without a seq (the agent design's body, from scripts and cron jobs posting to the
-- server directly) have no stream cursor to make them exactly-once. Each is stored once per
-- (target, check, executed_at, output): the key is kept here, beside the partitioned history (a unique
-- index there would have to include the partition key, received_at, which differs on every retry).
-- Keys are pruned after the results' retention; a retry after that would be stored again.
CREATE TABLE check_result_keys (
    target_id     uuid        NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    check_id      uuid        NOT NULL,
    executed_at   timestamptz NOT NULL,
    output_sha256 bytea       NOT NULL,
    stored_at     timestamptz NOT NULL,
    PRIMARY KEY (target_id, check_id, executed_at, output_sha256)
);
CREATE INDEX check_result_keys_stored_idx ON check_result_keys (target_id, stored_at);

-- Numbers for those results in history (epoch ffffffff-…, StreamEpochs.UNSEQUENCED): arrival order, so
-- history pages and the latest row order them like any other stream.
CREATE SEQUENCE check_results_unsequenced_seq;
