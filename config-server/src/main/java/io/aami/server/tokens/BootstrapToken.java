package io.aami.server.tokens;

import io.aami.contract.tokens.BootstrapTokenView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A stored bootstrap token: the public id and the hash of its secret, never the secret. */
public record BootstrapToken(String id, String name, byte[] secretSha256, UUID groupId, Map<String, String> labels,
                             List<String> allowedCidrs, int maxUses, int uses, Instant expiresAt, Instant revokedAt,
                             Instant createdAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public boolean exhausted() {
        return uses >= maxUses;
    }

    /** The listing form; {@code secretToken} is non-null only in the creation response. */
    public BootstrapTokenView view(Instant now, String secretToken) {
        return new BootstrapTokenView(id, secretToken, name, groupId, maxUses, uses, Math.max(0, maxUses - uses), expiresAt,
                expired(now), revoked(), revokedAt, labels, allowedCidrs, createdAt);
    }
}
