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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates check result batches ({@link CheckResultValidator}) and stores them: history by COPY,
 * latest by one upsert. A batch with seq goes through {@link StreamIngest}'s exactly-once cursor; a
 * batch without is stored once per (check, executed_at, output) through {@link CheckResultKeyStore}.
 * <p>
 * A result filed under a check not assigned to the agent (by id or by name) is never stored, and is
 * counted ({@code aami_results_unknown_check_total}) rather than as a rejected batch: it is normally a
 * race, the check unassigned or deleted while the result waited in the agent's spool. In a sequenced
 * batch it is dropped and the rest stored, and the whole batch acknowledged, so the stream moves on
 * (refusing it would stop the agent's stream for good, the agent retrying the batch forever). A batch
 * without seq comes from a script that sees the answer: it is refused whole with 404 naming the first
 * such result, and nothing of it is stored.
 */
public final class CheckResultIngest {
    private static final Logger LOG = LoggerFactory.getLogger(CheckResultIngest.class);
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
        return valid.sequenced() ? ingestSequenced(target, epoch, valid) : ingestUnsequenced(target, valid);
    }

    private ResultAck ingestUnsequenced(UUID target, CheckResultValidator.Validated valid) {
        if (!valid.unassigned().isEmpty()) {
            ingest.unassigned(STREAM, valid.unassigned().size());
            int first = valid.unassigned().get(0);
            throw CheckResultValidator.unassigned(first, valid.results().get(first).checkId());
        }
        return ingest.ingestUnsequenced(target, STREAM, "check_results", valid.results(), this::unseen, this::write);
    }

    private ResultAck ingestSequenced(UUID target, UUID epoch, CheckResultValidator.Validated valid) {
        Set<Long> unassigned = new HashSet<>();
        valid.unassigned().forEach(i -> unassigned.add(valid.results().get(i).seq()));
        ResultAck ack = ingest.ingest(target, STREAM, epoch, "check_results", valid.results(), CheckResult::seq,
                (c, t, e, receivedAt, fresh) -> write(c, t, e, receivedAt,
                        fresh.stream().filter(r -> !unassigned.contains(r.seq())).toList()));
        // The batch's seqs increase, so its duplicates are its first results and the rest were new.
        List<Integer> dropped = valid.unassigned().stream().filter(i -> i >= ack.duplicates()).toList();
        if (!dropped.isEmpty()) {
            ingest.unassigned(STREAM, dropped.size());
            LOG.warn("dropped {} check result(s) of target {} filed under checks not assigned to it (first: seq {}, check_id '{}')",
                    dropped.size(), target, valid.results().get(dropped.get(0)).seq(), valid.results().get(dropped.get(0)).checkId());
        }
        return ack;
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

    private int write(Connection c, UUID target, UUID epoch, Instant receivedAt, List<CheckResult> results) throws SQLException {
        if (results.isEmpty()) {
            return 0;
        }
        store.copyHistory(c, target, epoch, receivedAt, results);
        store.upsertLatest(c, target, epoch, receivedAt, latestPerCheck(results, receivedAt));
        return results.size();
    }

    /**
     * The newest result of each check in the batch by {@link CheckResultStore#latestOrder} (the upsert
     * may touch each row once, and keeps the newer of it and the stored row by the same order), in
     * check id order: concurrent batches lock their latest rows in one order, never in opposite ones.
     */
    private static List<CheckResult> latestPerCheck(List<CheckResult> fresh, Instant receivedAt) {
        Map<String, CheckResult> latest = new TreeMap<>();
        Comparator<CheckResult> order = CheckResultStore.latestOrder(receivedAt);
        fresh.forEach(r -> latest.merge(r.checkId(), r, (a, b) -> order.compare(a, b) >= 0 ? a : b));
        return new ArrayList<>(latest.values());
    }
}
