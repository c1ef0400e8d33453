package io.aami.agent.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate: at a uniformly random point between 70 % and 90 % of its lifetime,
 * so a fleet enrolled in one burst does not renew in one burst, and a failed attempt still leaves
 * a tenth of the lifetime for retries.
 */
public final class RenewalSchedule {
    private final Instant notBefore;
    private final Instant notAfter;

    public RenewalSchedule(X509Certificate cert) {
        this(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    }

    RenewalSchedule(Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("certificate lifetime is empty: " + notBefore + " .. " + notAfter);
        }
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    /** A fresh random renewal time; if it is already past (the agent was down), renew now. */
    public Instant renewAt(RandomGenerator random) {
        long lifetimeMillis = Duration.between(notBefore, notAfter).toMillis();
        long earliest = lifetimeMillis * 7 / 10;
        long latest = lifetimeMillis * 9 / 10;
        return notBefore.plusMillis(earliest + random.nextLong(latest - earliest + 1));
    }

    /** Whether the certificate is no longer valid at {@code now} (notAfter itself is still valid, as in X.509). */
    public boolean expired(Instant now) {
        return now.isAfter(notAfter);
    }

    public Instant notAfter() {
        return notAfter;
    }
}
