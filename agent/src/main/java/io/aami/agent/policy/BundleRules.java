package io.aami.agent.policy;

import io.aami.agent.pki.PolicyVerifier;
import io.aami.contract.policy.PolicyBundle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** TUF's rules for one bundle: signature by the pinned key, this agent's, no rollback, not expired. */
final class BundleRules {
    /**
     * Every reason a bundle is refused for: this class's four, then {@code unusable} (the gate's, when
     * applying a verified bundle fails). The refusal counter exists at 0 for each from start-up.
     */
    static final List<String> REFUSAL_REASONS = List.of("signature", "target", "rollback", "expired", "unusable");

    private final UUID agentId;

    BundleRules(UUID agentId) {
        this.agentId = agentId;
    }

    /**
     * Why {@code bundle} may not run, as {@code "<reason>: <detail>"}, or null if it may. {@code floor}
     * is the highest version accepted so far, in this run or (persisted) any earlier one.
     */
    String refusal(PolicyBundle bundle, Optional<PolicyVerifier> key, long floor, Instant now) {
        if (key.isEmpty() || !key.get().verify(bundle)) {
            return "signature: it does not verify with the pinned policy key"
                    + (key.isEmpty() ? " (none pinned; enroll again)" : " " + key.get().keyId());
        }
        if (!agentId.equals(bundle.targetId())) {
            return "target: it is for " + bundle.targetId() + ", not this agent";
        }
        if (bundle.version() < floor) {
            return "rollback: version " + bundle.version() + " is older than version " + floor + " accepted before";
        }
        if (bundle.expiresAt() == null || !bundle.expiresAt().isAfter(now)) {
            return "expired: it expired at " + bundle.expiresAt();
        }
        return null;
    }
}
