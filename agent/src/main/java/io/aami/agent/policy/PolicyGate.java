package io.aami.agent.policy;

import io.aami.contract.policy.PolicyBundle;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a bundle may replace the running one and hands accepted bundles to the
 * executors. Remembers the applied version, which heartbeats report.
 */
public final class PolicyGate {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);

    private final Consumer<PolicyBundle> apply;
    private volatile long appliedVersion = -1;

    public PolicyGate(Consumer<PolicyBundle> apply) {
        this.apply = apply;
    }

    /** Applies {@code bundle} if it is acceptable; returns whether it was. A refused bundle leaves the running one. */
    public synchronized boolean offer(PolicyBundle bundle) {
        if (bundle.version() == appliedVersion) {
            return false;
        }
        try {
            apply.accept(bundle);
        } catch (RuntimeException e) {
            LOG.error("policy version {} cannot be applied ({}); keeping version {}", bundle.version(), e.getMessage(),
                    appliedVersion);
            return false;
        }
        appliedVersion = bundle.version();
        LOG.info("applied policy version {} ({} checks, {} probes)", bundle.version(), bundle.checks().size(),
                bundle.probes().size());
        return true;
    }

    /** The version running now, -1 before the first. */
    public long appliedVersion() {
        return appliedVersion;
    }
}
