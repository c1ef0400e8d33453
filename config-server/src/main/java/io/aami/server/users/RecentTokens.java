package io.aami.server.users;

import io.aami.server.security.Secrets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The user tokens that were valid at a recent request (id and SHA-256, never the secret), so that a token can be
 * told from a guess without a query: past an address's invalid-token limit, a token known here is still looked
 * up (its user's role and state are read as always) while unknown ones are refused before any query. Behind a
 * proxy every caller shares one address, so a flood of guesses does not lock out the scripts already in use.
 * Bounded ({@link #MAX}, least recently used dropped); an entry older than {@link #FOR} no longer counts; a
 * token whose lookup fails is forgotten at once (revoked, expired, its user disabled).
 */
final class RecentTokens {
    static final int MAX = 10_000;
    static final Duration FOR = Duration.ofHours(24);

    private record Seen(byte[] sha256, Instant at) {
    }

    private final Map<UUID, Seen> seen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Seen> eldest) {
            return size() > MAX;
        }
    };

    synchronized void valid(UUID id, byte[] sha256, Instant at) {
        seen.put(id, new Seen(sha256, at));
    }

    synchronized void invalid(UUID id) {
        seen.remove(id);
    }

    /** Whether {@code id} was valid with this very secret ({@code sha256}) within {@link #FOR} of {@code now}. */
    boolean known(UUID id, String bearer, Instant now) {
        Seen s;
        synchronized (this) {
            s = seen.get(id);
        }
        return s != null && s.at().plus(FOR).isAfter(now) && MessageDigest.isEqual(s.sha256(), Secrets.sha256(bearer));
    }
}
