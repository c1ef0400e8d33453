package io.aami.server.pki;

import io.aami.common.pki.PkiException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent id and serial a client certificate names ({@link AgentCertificates#agentIdOf}), read once per
 * certificate instead of on every request: reading them parses the whole certificate again (subject,
 * SANs, extended key usage), about 100 µs and many short-lived objects, which was the largest part of
 * what an authenticated heartbeat cost over {@code /health}. TLS hands every request of a session the
 * same certificate object, so a hit costs one map lookup.
 *
 * <p>Both values are a pure function of the certificate's bytes (keys compare by encoding), so a cached
 * answer is the answer a fresh parse would give; whether the agent may still use the certificate
 * (revoked, superseded) is decided per request from the credential, never from here. Keys are held
 * weakly: an entry goes when no TLS session holds its certificate any more, and the map is cleared if
 * it ever reaches {@code maxEntries}. A certificate that names no agent is not cached (it is refused
 * anyway).
 */
public final class ClientIdentities {
    /** What a client certificate says: whose it is, and its serial as the server records it. */
    public record Identity(UUID agentId, String serial) {
    }

    private final Map<X509Certificate, Identity> known = Collections.synchronizedMap(new WeakHashMap<>());
    private final int maxEntries;
    private final LongAdder parsed = new LongAdder();

    public ClientIdentities(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @throws PkiException if the certificate does not name exactly one agent consistently */
    public Identity of(X509Certificate cert) {
        Identity hit = known.get(cert);
        if (hit != null) {
            return hit;
        }
        parsed.increment();
        Identity read = new Identity(AgentCertificates.agentIdOf(cert), AgentCertificates.serialOf(cert));
        if (known.size() >= maxEntries) {
            known.clear();
        }
        known.put(cert, read);
        return read;
    }

    /** How many certificates were parsed (tests). */
    long parsed() {
        return parsed.sum();
    }

    /** How many certificates are remembered now (tests). */
    int size() {
        return known.size();
    }
}
