package io.aami.agent.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.transport.TransportException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryTest {
    static final Duration BASE = Duration.ofSeconds(1);
    static final Duration CAP = Duration.ofSeconds(30);
    static final TransportException UNREACHABLE = TransportException.unreachable("down", null);

    /** Always draws the top of the window, so the window itself is what the test sees. */
    static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    /** Always draws the bottom of the window. */
    static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @Test
    void transientFailuresWaitAtMostBaseTimesTwoToTheNUpToTheCap() {
        Retry retry = new Retry(BASE, CAP, HIGHEST);
        long[] windows = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (long window : windows) {
            assertThat(retry.after(UNREACHABLE).toMillis()).isEqualTo(window);
        }
        retry.reset();
        assertThat(retry.after(UNREACHABLE).toMillis()).isEqualTo(1000);
    }

    @Test
    void fullJitterDrawsFromZeroUpToTheWindow() {
        Retry low = new Retry(BASE, CAP, LOWEST);
        for (int n = 0; n < 8; n++) {
            // the floor keeps a retry from being immediate: zero in the draw, 50 ms in the wait
            assertThat(low.after(UNREACHABLE).toMillis()).isBetween(0L, 50L);
        }
        Retry seeded = new Retry(BASE, CAP, new SplittableRandom(3));
        long maxSeen = 0;
        for (int n = 0; n < 40; n++) {
            long ms = seeded.after(UNREACHABLE).toMillis();
            assertThat(ms).isBetween(0L, Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(n, 30)));
            maxSeen = Math.max(maxSeen, ms);
        }
        assertThat(maxSeen).isGreaterThan(BASE.toMillis());
    }

    @Test
    void theServersRetryAfterIsHonouredUpToTheCap() {
        Retry retry = new Retry(BASE, CAP, HIGHEST);
        TransportException busy = new TransportException(503, "SERVER_BUSY", "busy", Duration.ofSeconds(20), null);
        assertThat(retry.after(busy)).isEqualTo(Duration.ofSeconds(20));
        TransportException parked = new TransportException(503, "SERVER_BUSY", "come back next year", Duration.ofDays(365), null);
        assertThat(retry.after(parked)).isEqualTo(CAP);
        TransportException parkedCredential = new TransportException(401, "UNAUTHORIZED", "who?", Duration.ofDays(365), null);
        assertThat(retry.after(parkedCredential)).isEqualTo(CAP);
        TransportException limited = new TransportException(429, "RATE_LIMITED", "slow down", Duration.ofSeconds(3), null);
        assertThat(retry.after(limited)).isEqualTo(Duration.ofSeconds(3));
        TransportException rejected = new TransportException(401, "UNAUTHORIZED", "who?", Duration.ofSeconds(4), null);
        assertThat(retry.after(rejected)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aPermanentRefusalWaitsAboutTheCap() {
        TransportException refused = new TransportException(404, "NOT_FOUND", "gone", Duration.ofSeconds(1), null);
        assertThat(new Retry(BASE, CAP, LOWEST).after(refused)).isEqualTo(CAP.dividedBy(2));
        assertThat(new Retry(BASE, CAP, HIGHEST).after(refused)).isEqualTo(CAP);
    }

    @Test
    void aRejectedCredentialWithoutRetryAfterBacksOffLikeATransientFailure() {
        Retry retry = new Retry(BASE, CAP, HIGHEST);
        TransportException rejected = new TransportException(401, "UNAUTHORIZED", "who?", null, null);
        assertThat(retry.after(rejected)).isEqualTo(BASE);
        assertThat(retry.after(rejected)).isEqualTo(BASE.multipliedBy(2));
    }
}
