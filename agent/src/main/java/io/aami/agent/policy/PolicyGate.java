package io.aami.agent.policy;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.pki.PolicyVerifier;
import io.aami.contract.policy.PolicyBundle;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a bundle may replace the running one (TUF's rules, {@link BundleRules}): its
 * Ed25519 signature must verify with the pinned key, it must be for this agent, its version must not
 * be lower than one accepted before (rollback, across restarts through the persisted floor) and it
 * must not have expired (freeze). A refused bundle leaves the last good one running; the refusal is
 * logged, counted and reported in heartbeats. A running bundle that reaches its expiry is stopped
 * ({@link #expireIfDue}): its checks and probes no longer run until a fresh bundle arrives, and the
 * heartbeat keeps saying why. The same version with a later expiry is a refresh, not a change.
 * <ul>
 *   <li>{@code aami_agent_policy_refusals_total{reason}}: signature, target, rollback, expired, unusable</li>
 *   <li>{@code aami_agent_policy_version}: the version running (-1 before the first)</li>
 *   <li>{@code aami_agent_policy_expired}: 1 while the last accepted bundle is past its expiry and stopped</li>
 * </ul>
 */
public final class PolicyGate {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);
    /** How often an agent whose bundle is half-way to expiry asks the server for a re-signed copy. */
    private static final Duration REFRESH_EVERY = Duration.ofMinutes(1);

    private final Consumer<PolicyBundle> apply;
    private final Supplier<Optional<PolicyVerifier>> pinnedKey;
    private final BundleRules rules;
    private final Clock clock;
    private final Counter refusals;
    private volatile PolicyBundle current;
    private volatile boolean expired;
    private volatile String lastError;
    private long floor = -1;
    private Instant refreshAskedAt;

    /** With the key pinned in {@link io.aami.agent.pki.PolicyKeyPin} (the agent's wiring). */
    public PolicyGate(Consumer<PolicyBundle> apply, UUID agentId, Supplier<Optional<PolicyVerifier>> pinnedKey, Clock clock,
                      PrometheusRegistry registry) {
        this.apply = apply;
        this.pinnedKey = pinnedKey;
        this.rules = new BundleRules(agentId);
        this.clock = clock;
        this.refusals = Counter.builder().name("aami_agent_policy_refusals_total")
                .help("Policy bundles refused, by reason").labelNames("reason").register(registry);
        for (String reason : BundleRules.REFUSAL_REASONS) {
            refusals.initLabelValues(reason);
        }
        GaugeWithCallback.builder().name("aami_agent_policy_version").help("Version of the policy bundle running")
                .callback(cb -> cb.call(appliedVersion())).register(registry);
        GaugeWithCallback.builder().name("aami_agent_policy_expired")
                .help("1 while the accepted policy bundle is past its expiry and its checks and probes are stopped")
                .callback(cb -> cb.call(expired ? 1 : 0)).register(registry);
    }

    /** With the key carried in the credential (kept for tests that hold no pin file). */
    public PolicyGate(Consumer<PolicyBundle> apply, UUID agentId, CredentialHolder credentials, Clock clock,
                      PrometheusRegistry registry) {
        this(apply, agentId, new CredentialKey(credentials), clock, registry);
    }

    /** Applies {@code bundle} if it passes every rule; returns whether it was accepted (then store it). */
    public synchronized boolean offer(PolicyBundle bundle) {
        return offer(bundle, "policy");
    }

    /** The bundle stored on disk at startup: the same rules, its expiry and the persisted floor included. */
    public synchronized boolean offerStored(PolicyBundle bundle) {
        return offer(bundle, "stored policy");
    }

    /** The highest version accepted before this process started (the persisted rollback floor). */
    public synchronized void restoreFloor(long persisted) {
        floor = Math.max(floor, persisted);
    }

    /** The version accepted last (running, or stopped because it expired), -1 before the first. */
    public long appliedVersion() {
        PolicyBundle b = current;
        return b == null ? -1 : b.version();
    }

    /** Why the last offered bundle was refused, or why the running one stopped; null when all is well. */
    public String lastError() {
        return lastError;
    }

    /**
     * The version to name in the next poll: the running one, except -1 (send it whatever it is) once
     * the bundle is half-way to its expiry or past it, at most every minute, so the server's re-signed
     * copy of an unchanged policy reaches the agent before the old signature runs out.
     */
    public synchronized long versionToAskFor() {
        PolicyBundle b = current;
        if (b == null) {
            return -1;
        }
        Instant now = clock.instant();
        Instant start = b.generatedAt() == null ? b.expiresAt() : b.generatedAt();
        Instant halfway = start.plus(Duration.between(start, b.expiresAt()).dividedBy(2));
        boolean stale = expired || !now.isBefore(halfway);
        if (stale && (refreshAskedAt == null || !now.isBefore(refreshAskedAt.plus(REFRESH_EVERY)))) {
            refreshAskedAt = now;
            return -1;
        }
        return b.version();
    }

    /** Stops the running bundle's checks and probes if it has expired by the clock; called by a timer. */
    public synchronized void expireIfDue() {
        PolicyBundle b = current;
        if (b == null || expired || b.expiresAt().isAfter(clock.instant())) {
            return;
        }
        expired = true;
        lastError = "policy version " + b.version() + " expired at " + b.expiresAt()
                + "; its checks and probes are stopped until the server sends a fresh signed bundle";
        LOG.error(lastError);
        try {
            apply.accept(new PolicyBundle(b.version(), b.targetId(), b.generatedAt(), b.expiresAt(), List.of(), List.of(),
                    b.keyId(), b.signature()));
        } catch (RuntimeException e) {
            LOG.error("stopping the expired policy failed: {}", e.getMessage());
        }
    }

    /** How long until the running bundle expires (zero if it has or none runs): when to look again. */
    public Duration untilExpiry() {
        PolicyBundle b = current;
        if (b == null || expired) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), b.expiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }

    private boolean offer(PolicyBundle bundle, String what) {
        PolicyBundle running = current;
        boolean sameVersion = running != null && bundle.version() == running.version();
        if (sameVersion && !later(bundle, running)) {
            return false;
        }
        String refusal = rules.refusal(bundle, pinnedKey.get(), Math.max(floor, appliedVersion()), clock.instant());
        if (refusal == null && (!sameVersion || expired || !sameContent(bundle, running))) {
            try {
                apply.accept(bundle);
            } catch (RuntimeException e) {
                refusal = "unusable: " + e.getMessage();
            }
        }
        if (refusal != null) {
            refusals.labelValues(refusal.substring(0, refusal.indexOf(':'))).inc();
            lastError = what + " version " + bundle.version() + " refused: " + refusal;
            LOG.error("{}; {}", lastError, running == null ? "nothing runs yet"
                    : (expired ? "version " + running.version() + " stays stopped" : "still running version " + running.version()));
            return false;
        }
        current = bundle;
        floor = Math.max(floor, bundle.version());
        expired = false;
        lastError = null;
        LOG.info("{} policy version {} ({} checks, {} probes, valid until {})", sameVersion ? "refreshed" : "applied",
                bundle.version(), bundle.checks().size(), bundle.probes().size(), bundle.expiresAt());
        return true;
    }

    private static boolean later(PolicyBundle offered, PolicyBundle running) {
        return offered.expiresAt() != null && offered.expiresAt().isAfter(running.expiresAt());
    }

    private static boolean sameContent(PolicyBundle a, PolicyBundle b) {
        return java.util.Objects.equals(a.checks(), b.checks()) && java.util.Objects.equals(a.probes(), b.probes());
    }

    /** The key as older agents kept it, in the credential. */
    private static final class CredentialKey implements Supplier<Optional<PolicyVerifier>> {
        private final CredentialHolder credentials;
        private String key;
        private PolicyVerifier verifier;

        CredentialKey(CredentialHolder credentials) {
            this.credentials = credentials;
        }

        @Override
        public synchronized Optional<PolicyVerifier> get() {
            String k = credentials.current().map(AgentCredentials::policyPublicKey).orElse(null);
            if (k != null && !k.equals(key)) {
                try {
                    verifier = new PolicyVerifier(k);
                } catch (io.aami.common.pki.PkiException e) {
                    verifier = null;
                }
                key = k;
            }
            return k == null ? Optional.empty() : Optional.ofNullable(verifier);
        }
    }
}
