package io.aami.server.registration;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.targets.Target;
import io.aami.server.tokens.BootstrapToken;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What an enrollment makes of the operator's record of a target (hostname, group, labels). It is decided
 * once: by the operator's {@code PUT} for a pre-registered target, else by the agent's first enrollment.
 * An existing target (pre-registered, or enrolled before) keeps its record exactly, so the operator's
 * (Terraform's) next identical {@code PUT} is a no-op; what the agent reports is stored beside it.
 */
final class TargetRecord {
    private TargetRecord() {
    }

    /**
     * An existing target keeps its group, none included; a new one takes the token's, else the requested one.
     * A group named by the token or the request must be that group, else the enrollment is refused.
     */
    static UUID group(BootstrapToken token, UUID requested, Target existing) {
        UUID decided = existing != null ? existing.groupId() : token.groupId() != null ? token.groupId() : requested;
        String whose = existing != null ? " of target " + existing.id() : " bound to bootstrap token " + token.id();
        for (UUID claim : new UUID[] {token.groupId(), requested}) {
            if (claim != null && !claim.equals(decided)) {
                throw new ApiException(ErrorCode.GROUP_MISMATCH, "group " + claim + " disagrees with "
                        + (decided == null ? "no group" : "group " + decided) + whose);
            }
        }
        return decided;
    }

    /** An existing target keeps its labels; a new one gets the agent's with the token's over them. */
    static Map<String, String> labels(BootstrapToken token, Map<String, String> reported, Target existing) {
        if (existing != null) {
            return existing.labels();
        }
        Map<String, String> out = new TreeMap<>(reported);
        out.putAll(token.labels());
        return out;
    }
}
