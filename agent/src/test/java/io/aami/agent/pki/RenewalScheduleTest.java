package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenewalScheduleTest {
    static final Instant START = Instant.parse("2031-01-01T00:00:00Z");
    static final Duration LIFETIME = Duration.ofDays(7);
    final RenewalSchedule schedule = new RenewalSchedule(START, START.plus(LIFETIME));

    private static Instant at(double fraction) {
        return START.plusMillis((long) (LIFETIME.toMillis() * fraction));
    }

    @Test
    void alwaysRenewsBetween70And90PercentAndReachesBothEnds() {
        SplittableRandom random = new SplittableRandom(42);
        Instant earliest = Instant.MAX;
        Instant latest = Instant.MIN;
        for (int i = 0; i < 100_000; i++) {
            Instant t = schedule.renewAt(random);
            assertThat(t).isBetween(at(0.7), at(0.9));
            earliest = earliest.isBefore(t) ? earliest : t;
            latest = latest.isAfter(t) ? latest : t;
        }
        assertThat(earliest).isBefore(at(0.7005));
        assertThat(latest).isAfter(at(0.8995));
        assertThat(schedule.renewAt(() -> 0L)).isEqualTo(at(0.7));
    }

    @Test
    void spreadsRenewalsRatherThanClusteringThem() {
        SplittableRandom random = new SplittableRandom(7);
        int[] buckets = new int[4];
        for (int i = 0; i < 40_000; i++) {
            long offset = Duration.between(at(0.7), schedule.renewAt(random)).toMillis();
            buckets[(int) Math.min(3, offset * 4 / (LIFETIME.toMillis() / 5))]++;
        }
        for (int count : buckets) {
            assertThat(count).isBetween(9_000, 11_000);
        }
    }

    @Test
    void expiryIsAfterNotAfter() {
        assertThat(schedule.expired(START.plus(LIFETIME))).isFalse();
        assertThat(schedule.expired(START.plus(LIFETIME).plusMillis(1))).isTrue();
        assertThat(schedule.expired(START)).isFalse();
    }

    @Test
    void readsTheWindowFromARealCertificate(@TempDir Path dir) {
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, clock, new SecureRandom());
        AgentKey key = AgentKey.generate(new SecureRandom());
        UUID id = UUID.randomUUID();
        X509Certificate cert = ca.signClientCertificate(key.csrPem(id), id, LIFETIME);

        RenewalSchedule fromCert = new RenewalSchedule(cert);
        Duration certLifetime = LIFETIME.plusMinutes(5); // issued backdated for clock skew
        Instant renewAt = fromCert.renewAt(new SplittableRandom(1));
        assertThat(renewAt).isBetween(cert.getNotBefore().toInstant().plus(certLifetime.multipliedBy(7).dividedBy(10)),
                cert.getNotBefore().toInstant().plus(certLifetime.multipliedBy(9).dividedBy(10)));
        assertThat(fromCert.notAfter()).isEqualTo(START.plus(LIFETIME));
    }

    @Test
    void anEmptyLifetimeIsRefused() {
        assertThatThrownBy(() -> new RenewalSchedule(START, START)).isInstanceOf(IllegalArgumentException.class);
    }
}
