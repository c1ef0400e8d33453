package io.aami.server.registration;

import io.aami.server.security.Secrets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pre-check of an enrollment's bootstrap token (is there such a token, with this secret?), made
 * before the enrollment queues for its turn so that a wrong token never queues. It used to read the
 * token's row on a pooled connection of its own: with the pool busy with a fleet's results, every
 * enrollment then waited in the pool's queue twice (here and for its transaction). The secret's hash
 * of a token id, once read, is kept here, so the pre-check of a token seen before takes no connection.
 *
 * <p>This is a filter, not the decision: the enrollment's transaction reads the token again under its
 * row lock and checks secret, revocation, expiry, uses and source there, so a token revoked, expired or
 * used up a moment ago is refused exactly as before. Only hashes of tokens that exist are kept (a miss
 * always reads, so a token created a moment ago is found); a presented secret that does not match the
 * kept hash reads again, so an id deleted and made again with another secret is never refused for a
 * stale entry. Comparisons are constant-time against the SHA-256 as before. Bounded: at
 * {@link #MAX_ENTRIES} the map is emptied (the tokens are the operator's, a few per fleet).
 */
final class KnownTokens {
    static final int MAX_ENTRIES = 10_000;

    private final Function<String, Optional<byte[]>> storedSha256;
    private final ConcurrentHashMap<String, byte[]> known = new ConcurrentHashMap<>();

    /** @param storedSha256 the stored hash of a token id's secret, read from the database; empty when no such token */
    KnownTokens(Function<String, Optional<byte[]>> storedSha256) {
        this.storedSha256 = storedSha256;
    }

    /** Whether a token {@code id} exists whose secret is {@code secret}. */
    boolean matches(String id, String secret) {
        byte[] presented = Secrets.sha256(secret);
        byte[] kept = known.get(id);
        if (kept != null && MessageDigest.isEqual(kept, presented)) {
            return true;
        }
        Optional<byte[]> stored = storedSha256.apply(id);
        if (stored.isEmpty()) {
            known.remove(id);
            return false;
        }
        if (known.size() >= MAX_ENTRIES) {
            known.clear();
        }
        known.put(id, stored.get());
        return MessageDigest.isEqual(stored.get(), presented);
    }
}
