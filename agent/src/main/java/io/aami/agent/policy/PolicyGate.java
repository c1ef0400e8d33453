package io.aami.agent.policy;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.pki.PolicyVerifier;
import io.aami.contract.policy.PolicyBundle;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a bundle may replace the running one (TUF's rules): its Ed25519 signature must
 * verify with the key pinned at enrollment, it must be for this agent, its version must not be lower
 * than one already accepted (rollback) and it must not have expired (freeze). A refused bundle
 * leaves the last good one running; the refusal is logged, counted and reported in heartbeats.
 * <ul>
 *   <li>{@code aami_agent_policy_refusals_total{reason}}: signature, target, rollback, expired, unusable</li>
 *   <li>{@code aami_agent_policy_version}: the version running (-1 before the first)</li>
 * </ul>
 */
public final class PolicyGate {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);

    private final Consumer<PolicyBundle> apply;
    private final UUID agentId;
    private final CredentialHolder credentials;
    private final Clock clock;
    private final Counter refusals;
    private volatile long appliedVersion = -1;
    private volatile String lastError;
    private PolicyVerifier verifier;
    private String verifierKey;

    public PolicyGate(Consumer<PolicyBundle> apply, UUID agentId, CredentialHolder credentials, Clock clock,
                      PrometheusRegistry registry) {
        this.apply = apply;
        this.agentId = agentId;
        this.credentials = credentials;
        this.clock = clock;
        this.refusals = Counter.builder().name("aami_agent_policy_refusals_total")
                .help("Policy bundles refused, by reason").labelNames("reason").register(registry);
        GaugeWithCallback.builder().name("aami_agent_policy_version").help("Version of the policy bundle running")
                .callback(cb -> cb.call(appliedVersion)).register(registry);
    }

    /** Applies {@code bundle} if it passes every rule; returns whether it was applied. */
    public synchronized boolean offer(PolicyBundle bundle) {
        return offer(bundle, false);
    }

    /**
     * The bundle stored on disk at startup: accepted when it was fresh, so only its signature and
     * target are checked again (the file could have been edited), not its expiry.
     */
    public synchronized boolean offerStored(PolicyBundle bundle) {
        return offer(bundle, true);
    }

    /** The version running now, -1 before the first. */
    public long appliedVersion() {
        return appliedVersion;
    }

    /** Why the last offered bundle was refused; null when the last one was accepted. */
    public String lastError() {
        return lastError;
    }

    private boolean offer(PolicyBundle bundle, boolean stored) {
        if (bundle.version() == appliedVersion) {
            return false;
        }
        String refusal = refusal(bundle, stored);
        if (refusal == null) {
            try {
                apply.accept(bundle);
            } catch (RuntimeException e) {
                refusal = "unusable: " + e.getMessage();
            }
        }
        if (refusal != null) {
            refusals.labelValues(refusal.substring(0, refusal.indexOf(':'))).inc();
            lastError = "policy version " + bundle.version() + " refused: " + refusal;
            LOG.error("{}; still running version {}", lastError, appliedVersion);
            return false;
        }
        appliedVersion = bundle.version();
        lastError = null;
        LOG.info("applied policy version {} ({} checks, {} probes)", bundle.version(), bundle.checks().size(),
                bundle.probes().size());
        return true;
    }

    private String refusal(PolicyBundle bundle, boolean stored) {
        PolicyVerifier v = verifier();
        if (v == null || !v.verify(bundle)) {
            return "signature: it does not verify with the pinned policy key" + (v == null ? " (none pinned; enroll again)" : "");
        }
        if (!agentId.equals(bundle.targetId())) {
            return "target: it is for " + bundle.targetId() + ", not this agent";
        }
        if (!stored && bundle.version() < appliedVersion) {
            return "rollback: version " + bundle.version() + " is older than the running " + appliedVersion;
        }
        if (!stored && (bundle.expiresAt() == null || !bundle.expiresAt().isAfter(clock.instant()))) {
            return "expired: it expired at " + bundle.expiresAt();
        }
        return null;
    }

    private PolicyVerifier verifier() {
        String key = credentials.current().map(AgentCredentials::policyPublicKey).orElse(null);
        if (key == null) {
            return null;
        }
        if (!key.equals(verifierKey)) {
            try {
                verifier = new PolicyVerifier(key);
            } catch (io.aami.common.pki.PkiException e) {
                verifier = null;
            }
            verifierKey = key;
        }
        return verifier;
    }
}
