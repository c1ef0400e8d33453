package io.aami.agent.localresults;

import io.aami.agent.api.LocalApiException;
import io.aami.agent.checks.CheckExecution;
import io.aami.agent.checks.OutputCut;
import io.aami.contract.checks.CheckStatus;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.CheckResultRules;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules of {@link CheckResultRules} for a batch posted to the local API, before anything is
 * spooled: the first broken rule refuses the whole batch (400 naming the field, 404 naming an unknown
 * check). The agent numbers what it spools, so a posted result carries no {@code seq} and the batch no
 * {@code stream_epoch}. An output is cut to {@code checks.output_max_bytes} like the agent's own
 * ({@link OutputCut}), and to the server's {@link CheckResultRules#MAX_OUTPUT_CHARS}, and then marked truncated.
 */
final class SubmittedResults {
    /** What the server stores: the years 1 to 9999 (the upper bound is the clock-skew rule). */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final KnownChecks known;
    private final Clock clock;
    private final int outputMaxBytes;

    /** @param outputMaxBytes {@code checks.output_max_bytes}: outputs are cut to it as the agent's own are */
    SubmittedResults(KnownChecks known, Clock clock, int outputMaxBytes) {
        this.known = known;
        this.clock = clock;
        this.outputMaxBytes = outputMaxBytes;
    }

    /** The batch as check runs of the policy's checks, in the order given. */
    List<CheckExecution> validate(CheckResultBatch batch) {
        List<CheckResult> in = batch.results();
        require(in != null && !in.isEmpty(), "results", "must hold at least one result");
        require(in.size() <= CheckResultRules.MAX_LOCAL_BATCH, "results", "at most " + CheckResultRules.MAX_LOCAL_BATCH
                + " results per request");
        require(batch.streamEpoch() == null, "stream_epoch", "is the agent's own; leave it out");
        Instant latest = clock.instant().plus(CheckResultRules.MAX_FUTURE_SKEW);
        List<CheckExecution> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            CheckResult r = in.get(i);
            require(r != null, "results[" + i + "]", "must be an object");
            out.add(execution(i, r, latest));
        }
        return out;
    }

    private CheckExecution execution(int i, CheckResult r, Instant latest) {
        String at = "results[" + i + "].";
        require(r.seq() == null, at + "seq", "is assigned by the agent; leave it out");
        require(r.checkId() != null && !r.checkId().isBlank(), at + "check_id", "is required (a check's id or name)");
        require(r.checkId().length() <= CheckResultRules.MAX_CHECK_REF_LENGTH, at + "check_id", "at most "
                + CheckResultRules.MAX_CHECK_REF_LENGTH + " characters");
        CheckStatus status = CheckStatus.fromWire(r.status()).orElse(null);
        require(status != null, at + "status", "must be ok, warning, critical or unknown");
        require(status.agreesWith(r.exitCode()), at + "status", "is " + r.status() + " but exit_code " + r.exitCode()
                + " means " + (r.exitCode() == null ? "" : CheckStatus.forExitCode(r.exitCode()).wire())
                + " (0 ok, 1 warning, 2 critical, anything else unknown)");
        require(r.durationMs() >= 0, at + "duration_ms", "must not be negative");
        require(r.executedAt() != null, at + "executed_at", "is required");
        require(!r.executedAt().isAfter(latest), at + "executed_at", "lies more than "
                + CheckResultRules.MAX_FUTURE_SKEW.toMinutes() + " minutes ahead of this host's clock");
        require(!r.executedAt().isBefore(EARLIEST), at + "executed_at", "must lie between the years 1 and 9999");
        requireStorable(r.checkId(), at + "check_id");
        String output = r.output() == null ? "" : r.output();
        requireStorable(output, at + "output");
        CheckSpec spec = resolve(r.checkId(), at + "check_id");
        String kept = OutputCut.cut(output, outputMaxBytes);
        if (kept.length() > CheckResultRules.MAX_OUTPUT_CHARS) {
            kept = cut(kept);
        }
        return new CheckExecution(spec.checkId(), status.wire(), r.exitCode(), kept, r.truncated() || kept.length() < output.length(),
                r.timedOut(), r.durationMs(), r.executedAt());
    }

    /** The first {@link CheckResultRules#MAX_OUTPUT_CHARS} characters, never half a surrogate pair. */
    private static String cut(String output) {
        int end = CheckResultRules.MAX_OUTPUT_CHARS;
        return output.substring(0, Character.isHighSurrogate(output.charAt(end - 1)) ? end - 1 : end);
    }

    /**
     * The server cannot store NUL or a lone UTF-16 surrogate (PostgreSQL text) and refuses them; refused
     * here, the caller learns it, instead of the agent dropping the result at delivery.
     */
    private static void requireStorable(String text, String field) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            require(c != '\0', field, "must not contain the NUL character (U+0000)");
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else {
                require(!Character.isSurrogate(c), field, "must not contain a lone UTF-16 surrogate");
            }
        }
    }

    /** By id when {@code ref} is a UUID, else by name, among the applied policy's checks. */
    private CheckSpec resolve(String ref, String field) {
        boolean id = UUID_FORM.matcher(ref).matches();
        return (id ? known.byId(UUID.fromString(ref)) : known.byName(ref)).orElseThrow(() -> new LocalApiException(404,
                "NOT_FOUND", "no check " + (id ? "with id " : "named ") + "'" + ref + "' in this agent's policy"
                + (known.empty() ? " (it holds no policy yet)" : ""), field));
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new LocalApiException(400, "VALIDATION_FAILED", field + ": " + problem, field);
        }
    }
}
