package io.aami.server.checkresults;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.CheckResultRules;
import io.aami.server.error.ApiException;
import io.aami.server.results.ResultBatches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The rules of {@link CheckResultRules} for one batch, before anything is stored: its shape, each
 * result's fields (the first broken rule refuses the whole batch with 400), and each {@code check_id}
 * looked up among the checks assigned to the target (its current policy), by name or by id. A result
 * whose check is not assigned is reported in {@link Validated#unassigned()}, not refused here: what to
 * do with it depends on whether the batch is sequenced ({@link CheckResultIngest}).
 * A miss is asked again of the database, but not again within {@link #MISS_TTL} while the target's cached policy
 * holds what that computation found: any enrolled agent can send a batch naming an unknown check on every request,
 * and must not make each one cost a policy computation. A check assigned meanwhile changes the cached policy as
 * soon as its change notice arrives, so only results in that notice's flight (milliseconds) after a miss are
 * taken for unassigned.
 */
final class CheckResultValidator {
    /**
     * The batch: {@code sequenced} when every result has a seq (else none has); each result's
     * {@code check_id} a canonical id, except at the {@code unassigned} indexes (in increasing order),
     * whose check is not assigned to the target and which keep {@code check_id} as sent.
     */
    record Validated(boolean sequenced, List<CheckResult> results, List<Integer> unassigned) {
    }

    /** The checks assigned to a target, by name and by id, as its current policy holds them. */
    record Assigned(Map<String, UUID> byName, Set<UUID> ids) {
    }

    /** How long a target's recomputed checks answer its misses, while its cached policy holds the same checks. */
    static final Duration MISS_TTL = Duration.ofSeconds(5);
    /** Past this many remembered targets, expired entries are dropped (bounded anyway by the number of targets). */
    private static final int PRUNE_ABOVE = 1024;

    /** The checks last recomputed for a target, which answer its misses until {@code until}. */
    private record Recomputed(Assigned checks, Instant until) {
    }


    private final int maxBatch;
    /** A target's assigned checks (its cached policy); asked once per batch, after its fields passed. */
    private final Function<UUID, Assigned> assigned;
    /** The same computed afresh from the database; asked only when the cached ones miss a result's check. */
    private final Function<UUID, Assigned> recomputed;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, Recomputed> recent = new ConcurrentHashMap<>();

    CheckResultValidator(int maxBatch, Function<UUID, Assigned> assigned, Function<UUID, Assigned> recomputed, Clock clock) {
        this.maxBatch = maxBatch;
        this.assigned = assigned;
        this.recomputed = recomputed;
        this.clock = clock;
    }

    Validated validate(UUID target, CheckResultBatch batch) {
        List<CheckResult> in = ResultBatches.requireObjects(batch.results(), maxBatch);
        boolean sequenced = requireSequencing(in, batch.streamEpoch());
        Instant latest = clock.instant().plus(CheckResultRules.MAX_FUTURE_SKEW);
        for (int i = 0; i < in.size(); i++) {
            requireFields(i, in.get(i), sequenced, latest);
        }
        // An id is held to the policy like a name: else an agent could file results under another
        // group's check (history, latest state and its alerts). A miss in the cached policy is asked
        // again of the database, so a check assigned a moment ago (the notice still on its way from
        // another replica) is not taken for an unassigned one.
        Assigned cached = assigned.apply(target);
        Validated out = resolve(in, sequenced, cached);
        return out.unassigned().isEmpty() ? out : resolve(in, sequenced, recomputed(target, cached));
    }

    /**
     * The target's checks as recomputed from the database, reusing the last computation for {@link #MISS_TTL} while
     * the cached policy holds the same checks (a change, such as the notice of a new check arriving, asks again).
     */
    private Assigned recomputed(UUID target, Assigned cached) {
        Instant now = clock.instant();
        Recomputed last = recent.get(target);
        if (last != null && now.isBefore(last.until()) && last.checks().equals(cached)) {
            return last.checks();
        }
        Assigned checks = recomputed.apply(target);
        if (recent.size() > PRUNE_ABOVE) {
            recent.values().removeIf(r -> !now.isBefore(r.until()));
        }
        recent.put(target, new Recomputed(checks, now.plus(MISS_TTL)));
        return checks;
    }

    private Validated resolve(List<CheckResult> in, boolean sequenced, Assigned checks) {
        List<CheckResult> out = new ArrayList<>(in.size());
        List<Integer> unassigned = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            CheckResult r = in.get(i);
            UUID id = uuidForm(r.checkId()) ? UUID.fromString(r.checkId()) : checks.byName().get(r.checkId());
            if (id == null || !checks.ids().contains(id)) {
                unassigned.add(i);
                out.add(r);
            } else {
                out.add(normalized(r, id));
            }
        }
        return new Validated(sequenced, out, unassigned);
    }

    /** The 404 refusing a batch without seq whose result {@code index} names a check not assigned to the target. */
    static ApiException unassigned(int index, String checkRef) {
        String field = "results[" + index + "].check_id";
        return uuidForm(checkRef)
                ? ApiException.unknown(field, "no check with id " + checkRef + " is assigned to this agent (its policy)")
                : ApiException.unknown(field, "no check named '" + checkRef + "' in this agent's policy");
    }

    /**
     * Whether {@code ref} is a check id in the canonical 8-4-4-4-12 hex form (else it is a name). A
     * character test, not a regex: it runs for every result of every batch.
     */
    static boolean uuidForm(String ref) {
        if (ref.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = ref.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
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
