package io.aami.contract.console;

import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /api/v1/fleet/summary}, read at {@code at} in one snapshot:
 * <ul>
 *   <li>{@code targets}: how many targets are in each status ({@code pending}, {@code online}, {@code offline},
 *       {@code revoked}, every one present, zero included);</li>
 *   <li>{@code checks}: how many checks' latest results are in each status ({@code ok}, {@code warning},
 *       {@code critical}, {@code unknown}; staleness not applied);</li>
 *   <li>{@code stale}: latest check and probe results of enabled checks and probes on targets not revoked that are
 *       stale by the server's rule (agent not online, or executed more than 2 × interval + timeout ago); an assigned
 *       check or probe that never reported has no latest result and is not counted here;</li>
 *   <li>{@code policy}: targets (not revoked) whose last heartbeat reported a {@code policy_error};</li>
 *   <li>{@code certificates}: targets (not revoked) whose client certificate has expired; expires within
 *       {@code expiring_within_seconds} (7 days); or is past its renewal: expires within {@code past_renewal_within_seconds}
 *       (the last tenth of {@code validity_seconds}, the server's {@code tls.client_cert_validity}, in whole hours;
 *       agents renew at 70-90 % of it, so such a certificate's agent failed to). With certificates that live 7 days
 *       or less (the default), every certificate expires within 7 days: then only the other two mean trouble;</li>
 *   <li>{@code spool}: results the agents' spools dropped (the sum of each target's last {@code spool_dropped}), how
 *       many targets dropped any, and how many heartbeating targets did not say (agents older than the field).</li>
 * </ul>
 */
public record FleetSummary(Map<String, Long> targets, Map<String, Long> checks, Stale stale, Policy policy,
                           Certificates certificates, SpoolDrops spool, Instant at) {
    /** Stale latest results. */
    public record Stale(long checks, long probes) {
    }

    /** Targets whose agent refused its last policy bundle. */
    public record Policy(long refused) {
    }

    /**
     * Targets whose certificate has expired, expires within the next {@code expiringWithinSeconds}, or within the next
     * {@code pastRenewalWithinSeconds} (its agent missed the renewal); {@code validitySeconds} is how long certificates
     * are issued for.
     */
    public record Certificates(long expired, long expiring, long expiringWithinSeconds, long pastRenewal,
                               long pastRenewalWithinSeconds, long validitySeconds) {
        /** Whether a certificate expiring within {@code expiringWithinSeconds} is unusual: not when every one does. */
        public boolean expiringIsTrouble() {
            return validitySeconds > expiringWithinSeconds;
        }
    }

    /** Results dropped by full spools: the total, the targets that dropped any, the targets that did not say. */
    public record SpoolDrops(long dropped, long targets, long unknown) {
    }
}
