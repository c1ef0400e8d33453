package io.aami.server.console;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.console.FleetSummary;
import io.aami.server.db.Database;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fleet at a glance: targets by status and checks by their latest result's status, every status present (zero
 * included) in a fixed order, so a page shows the same boxes whatever the fleet holds; then what needs a look: stale
 * latest results, policy refusals, certificates expired, expiring within a week, or past their renewal (within the
 * last tenth of their validity), and results dropped by full
 * spools, counted among targets that are not revoked (a revoked agent is refused: its state no longer matters). One
 * snapshot: four statements in one transaction, the same four at any fleet size. Checks by status do not apply
 * staleness (a latest result too old for its interval still counts as its status; the stale count says how many are).
 */
final class FleetSummaryService {
    static final List<String> TARGET_STATUSES = List.of("online", "offline", "pending", "revoked");
    /** The horizon for certificates about to expire. */
    static final Duration CERTIFICATE_HORIZON = Duration.ofDays(7);
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private final Database db;
    private final FleetSummaryStore store;
    private final Clock clock;
    private final Duration validity;
    private final Duration renewalMissed;
    private final Duration maxAge;
    private final Coalesced<FleetSummary> shared = new Coalesced<>(this::compute);
    private final AtomicReference<FleetSummary> last = new AtomicReference<>();

    /**
     * @param clientCertValidity {@code tls.client_cert_validity}: agents renew at 70–90 % of it, so a certificate with less
     *                           than a tenth left has missed its renewal. With the default 7-day certificates, "within 7
     *                           days" is every certificate: the renewal count is the one that says which agents fail.
     */
    FleetSummaryService(Database db, FleetSummaryStore store, Clock clock, Duration clientCertValidity, Duration maxAge) {
        this.db = db;
        this.maxAge = maxAge;
        this.store = store;
        this.clock = clock;
        this.validity = clientCertValidity;
        Duration tenth = clientCertValidity.dividedBy(10);
        this.renewalMissed = tenth.toHours() >= 1 ? Duration.ofHours(tenth.toHours()) : tenth; // whole hours: "16 hours"
    }

    /**
     * The summary: the last one while it is at most {@code console.summary_max_age} old (its {@code at} says when it was
     * taken), else a new one, which callers at the same moment share ({@link Coalesced}). Every open overview polls
     * every 5 s; summing a large fleet for each would cost the database (tabs × fleet) every 5 s, reused it costs one
     * sum per replica per max age, and a page answers in about a millisecond.
     */
    FleetSummary summary() {
        FleetSummary kept = last.get();
        Instant now = clock.instant();
        if (kept != null && !maxAge.isZero() && !now.isBefore(kept.at()) && !now.isAfter(kept.at().plus(maxAge))) {
            return kept;
        }
        FleetSummary fresh = shared.get();
        // Two computations finishing out of order: keep the later one.
        last.accumulateAndGet(fresh, (a, b) -> a == null || b.at().isAfter(a.at()) ? b : a);
        return fresh;
    }

    private FleetSummary.Certificates certificates(long expired, long expiring, long pastRenewal) {
        return new FleetSummary.Certificates(expired, expiring, CERTIFICATE_HORIZON.toSeconds(), pastRenewal, renewalMissed.toSeconds(),
                validity.toSeconds());
    }

    private FleetSummary compute() {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            Map<String, FleetSummaryStore.TargetCounts> byStatus = store.targets(c, now, now.plus(CERTIFICATE_HORIZON), now.plus(renewalMissed));
            Map<String, Long> targets = new LinkedHashMap<>();
            TARGET_STATUSES.forEach(s -> targets.put(s, 0L));
            long refused = 0;
            long expired = 0;
            long expiring = 0;
            long pastRenewal = 0;
            BigDecimal dropped = BigDecimal.ZERO;
            long dropping = 0;
            long unknown = 0;
            for (Map.Entry<String, FleetSummaryStore.TargetCounts> e : byStatus.entrySet()) {
                FleetSummaryStore.TargetCounts n = e.getValue();
                targets.merge(e.getKey(), n.targets(), Long::sum);
                if (!"revoked".equals(e.getKey())) {
                    refused += n.policyRefused();
                    expired += n.certificateExpired();
                    expiring += n.certificateExpiring();
                    pastRenewal += n.certificatePastRenewal();
                    dropped = dropped.add(n.spoolDropped());
                    dropping += n.spoolDropping();
                    unknown += n.spoolUnknown();
                }
            }
            Map<String, Long> checks = new LinkedHashMap<>();
            for (CheckStatus s : CheckStatus.values()) {
                checks.put(s.wire(), 0L);
            }
            long lateChecks = 0;
            for (Map.Entry<Integer, FleetSummaryStore.CheckCounts> e : store.checks(c, now).entrySet()) {
                checks.merge(CheckStatus.fromCode(e.getKey()).wire(), e.getValue().results(), Long::sum);
                lateChecks += e.getValue().late();
            }
            // Stale = late by time, or the agent not online; revoked targets left out (FleetSummaryStore.Corrections).
            FleetSummaryStore.Corrections k = store.corrections(c, now);
            long staleChecks = lateChecks + k.checksQuietNotLate() - k.checksRevokedLate();
            long staleProbes = store.lateProbes(c, now) + k.probesQuietNotLate() - k.probesRevokedLate();
            // Agents say what they dropped; a hostile one's huge count must not overflow the total into an error.
            long droppedTotal = dropped.min(MAX).longValueExact();
            return new FleetSummary(targets, checks, new FleetSummary.Stale(staleChecks, staleProbes),
                    new FleetSummary.Policy(refused), certificates(expired, expiring, pastRenewal),
                    new FleetSummary.SpoolDrops(droppedTotal, dropping, unknown), now);
        });
    }
}
