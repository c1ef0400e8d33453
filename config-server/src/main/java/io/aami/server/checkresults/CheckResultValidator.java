package io.aami.server.checkresults;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.CheckResultRules;
import io.aami.server.error.ApiException;
import io.aami.server.results.ResultBatches;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules of {@link CheckResultRules} for one batch, before anything is stored: its shape, each
 * result's fields, and each {@code check_id} resolved to an id (a name through the target's policy).
 * The first broken rule refuses the whole batch.
 */
final class CheckResultValidator {
    /** The batch, each result's {@code check_id} a canonical id; {@code sequenced}: every result has a seq (else none has). */
    record Validated(boolean sequenced, List<CheckResult> results) {
    }

    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final int maxBatch;
    /** A target's checks by name, as its policy holds them; asked only when a batch names a check. */
    private final Function<UUID, Map<String, UUID>> checksByName;
    private final Clock clock;

    CheckResultValidator(int maxBatch, Function<UUID, Map<String, UUID>> checksByName, Clock clock) {
        this.maxBatch = maxBatch;
        this.checksByName = checksByName;
        this.clock = clock;
    }

    Validated validate(UUID target, CheckResultBatch batch) {
        List<CheckResult> in = ResultBatches.requireObjects(batch.results(), maxBatch);
        boolean sequenced = requireSequencing(in, batch.streamEpoch());
        Instant latest = clock.instant().plus(CheckResultRules.MAX_FUTURE_SKEW);
        Map<String, UUID> names = null;
        List<CheckResult> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            CheckResult r = in.get(i);
            requireFields(i, r, sequenced, latest);
            UUID id;
            if (UUID_FORM.matcher(r.checkId()).matches()) {
                id = UUID.fromString(r.checkId());
            } else {
                names = names != null ? names : checksByName.apply(target);
                id = names.get(r.checkId());
                if (id == null) {
                    throw ApiException.unknown("results[" + i + "].check_id", "no check named '" + r.checkId()
                            + "' in this agent's policy");
                }
            }
            out.add(normalized(r, id));
        }
        return new Validated(sequenced, out);
    }

    /** Whether the batch is sequenced: every result has a seq, in increasing order, or none has (and no epoch). */
    private boolean requireSequencing(List<CheckResult> in, String streamEpoch) {
        boolean sequenced = in.get(0).seq() != null;
        for (int i = 0; i < in.size(); i++) {
            ResultBatches.require((in.get(i).seq() != null) == sequenced, i, "seq", "give every result of a batch a seq, or none");
        }
        if (sequenced) {
            ResultBatches.requireOrdered(in, maxBatch, CheckResult::seq);
        } else if (streamEpoch != null) {
            throw ApiException.invalid("stream_epoch", "belongs only to a batch whose results carry a seq");
        }
        return sequenced;
    }

    private static void requireFields(int i, CheckResult r, boolean sequenced, Instant latest) {
        ResultBatches.require(r.checkId() != null && !r.checkId().isBlank(), i, "check_id", "is required (a check's id or name)");
        ResultBatches.require(r.checkId().length() <= CheckResultRules.MAX_CHECK_REF_LENGTH, i, "check_id",
                "at most " + CheckResultRules.MAX_CHECK_REF_LENGTH + " characters");
        CheckStatus status = CheckStatus.fromWire(r.status()).orElse(null);
        ResultBatches.require(status != null, i, "status", "must be ok, warning, critical or unknown");
        ResultBatches.require(status.agreesWith(r.exitCode()), i, "status", "is " + r.status() + " but exit_code "
                + r.exitCode() + " means " + (r.exitCode() == null ? "" : CheckStatus.forExitCode(r.exitCode()).wire())
                + " (0 ok, 1 warning, 2 critical, anything else unknown)");
        ResultBatches.require(r.durationMs() >= 0, i, "duration_ms", "must not be negative");
        ResultBatches.require(r.executedAt() != null, i, "executed_at", "is required");
        // The agent's own runs carry its clock and are judged by Staleness (never dropped for it); a
        // result without seq comes from a script, and a time far ahead is a mistake worth refusing.
        ResultBatches.require(sequenced || !r.executedAt().isAfter(latest), i, "executed_at", "lies more than "
                + CheckResultRules.MAX_FUTURE_SKEW.toMinutes() + " minutes in the future");
    }

    private static CheckResult normalized(CheckResult r, UUID id) {
        String output = r.output() == null ? "" : r.output();
        boolean cut = output.length() > CheckResultRules.MAX_OUTPUT_CHARS;
        return new CheckResult(r.seq(), id.toString(), r.status(), r.exitCode(), cut ? cut(output) : output,
                r.truncated() || cut, r.timedOut(), r.durationMs(), r.executedAt());
    }

    /** The first {@link CheckResultRules#MAX_OUTPUT_CHARS} characters, never half a surrogate pair (not storable). */
    private static String cut(String output) {
        int end = CheckResultRules.MAX_OUTPUT_CHARS;
        return output.substring(0, Character.isHighSurrogate(output.charAt(end - 1)) ? end - 1 : end);
    }
}
