package io.aami.server.checkresults;

import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ResultAck;
import io.aami.server.error.ApiException;
import io.aami.server.results.ResultBatches;
import io.aami.server.results.StreamIngest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Validates check result batches ({@link CheckResultValidator}) and stores them: history by COPY,
 * latest by one upsert. A batch with seq goes through {@link StreamIngest}'s exactly-once cursor; a
 * batch without is stored once per (check, executed_at, output) through {@link CheckResultKeyStore}.
 */
public final class CheckResultIngest {
    public static final String STREAM = "checks";

    private final StreamIngest ingest;
    private final CheckResultStore store;
    private final CheckResultKeyStore keys;
    private final CheckResultValidator validator;
    private final Duration keyRetention;

    CheckResultIngest(StreamIngest ingest, CheckResultStore store, CheckResultKeyStore keys, CheckResultValidator validator,
                      Duration keyRetention) {
        this.ingest = ingest;
        this.store = store;
        this.keys = keys;
        this.validator = validator;
        this.keyRetention = keyRetention;
    }

    public ResultAck ingest(UUID target, CheckResultBatch batch) {
        CheckResultValidator.Validated valid;
        UUID epoch = null;
        try {
            valid = validator.validate(target, batch);
            if (valid.sequenced()) {
                epoch = ResultBatches.requireEpoch(batch.streamEpoch());
            }
        } catch (ApiException e) {
            ingest.rejected(STREAM);
            throw e;
        }
        StreamIngest.Writer<CheckResult> writer = (c, t, e, receivedAt, fresh) -> {
            store.copyHistory(c, t, e, receivedAt, fresh);
            store.upsertLatest(c, t, e, receivedAt, latestPerCheck(fresh));
        };
        if (valid.sequenced()) {
            return ingest.ingest(target, STREAM, epoch, "check_results", valid.results(), CheckResult::seq, writer);
        }
        return ingest.ingestUnsequenced(target, STREAM, "check_results", valid.results(), this::unseen, writer);
    }

    /** The results of a batch without seq not stored before, numbered in arrival order. */
    private List<CheckResult> unseen(Connection c, UUID target, Instant now, List<CheckResult> results) throws SQLException {
        keys.prune(c, target, now.minus(keyRetention));
        List<CheckResultKeyStore.Key> batchKeys = results.stream().map(CheckResultIngest::key).toList();
        Set<CheckResultKeyStore.Key> inserted = new HashSet<>(keys.insertNew(c, target, now, batchKeys));
        List<CheckResult> fresh = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (inserted.remove(batchKeys.get(i))) {
                fresh.add(results.get(i));
            }
        }
        List<Long> seqs = keys.numbers(c, fresh.size());
        List<CheckResult> out = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            CheckResult r = fresh.get(i);
            out.add(new CheckResult(seqs.get(i), r.checkId(), r.status(), r.exitCode(), r.output(), r.truncated(), r.timedOut(),
                    r.durationMs(), r.executedAt()));
        }
        return out;
    }

    private static CheckResultKeyStore.Key key(CheckResult r) {
        return new CheckResultKeyStore.Key(UUID.fromString(r.checkId()), r.executedAt().truncatedTo(ChronoUnit.MICROS),
                sha256(r.output()));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The newest result of each check in the batch (an upsert may touch each row once). */
    private static List<CheckResult> latestPerCheck(List<CheckResult> fresh) {
        Map<String, CheckResult> latest = new LinkedHashMap<>();
        fresh.forEach(r -> latest.put(r.checkId(), r));
        return new ArrayList<>(latest.values());
    }
}
