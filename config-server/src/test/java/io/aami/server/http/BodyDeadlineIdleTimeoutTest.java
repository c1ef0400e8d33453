package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.junit.jupiter.api.Test;

/**
 * The connection's idle timeout is lowered only for a read that may wait: a body already received (a heartbeat's,
 * which arrives with its headers) is read without rescheduling the connection's idle timer.
 */
class BodyDeadlineIdleTimeoutTest {
    private static final long IDLE_MS = 30_000;

    @Test
    void aBodyAlreadyReceivedIsReadWithoutTouchingTheIdleTimeout() throws Exception {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        endPoint.setIdleTimeout(IDLE_MS);
        try (BodyDeadline body = BodyDeadline.over(new ByteArrayInputStream(new byte[300]), endPoint, Clock.systemUTC(),
                Duration.ofSeconds(10), 1024)) {
            assertThat(body.readNBytes(300)).hasSize(300);
            assertThat(endPoint.getIdleTimeout()).isEqualTo(IDLE_MS);
        }
        assertThat(endPoint.getIdleTimeout()).isEqualTo(IDLE_MS);
    }

    @Test
    void aBodyAlreadyReceivedIsNotRefusedWhenTheServerGetsToItLate() throws Exception {
        // A loaded server's thread reads the body 5 s after it began: the bytes were here all along (no 408, which
        // also closed the connection and cost the agent a new TLS handshake).
        Clock late = new Clock() {
            private final long begun = System.currentTimeMillis();
            private int calls;

            @Override
            public long millis() {
                return calls++ == 0 ? begun : begun + 5_000;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(millis());
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        try (BodyDeadline body = BodyDeadline.over(new ByteArrayInputStream(new byte[300]), new ByteArrayEndPoint(), late,
                Duration.ofSeconds(10), 1024)) {
            assertThat(body.readNBytes(300)).hasSize(300);
        }
    }

    @Test
    void aReadThatMayWaitLowersItToTheTimeLeftAndCloseRestoresIt() throws Exception {
        ByteArrayEndPoint endPoint = new ByteArrayEndPoint();
        endPoint.setIdleTimeout(IDLE_MS);
        // available() 0: the container holds nothing yet, so the read may block.
        InputStream notYet = new ByteArrayInputStream(new byte[10]) {
            @Override
            public synchronized int available() {
                return 0;
            }
        };
        try (BodyDeadline body = BodyDeadline.over(notYet, endPoint, Clock.systemUTC(), Duration.ofSeconds(10), 1024)) {
            assertThat(body.read(new byte[10], 0, 10)).isEqualTo(10);
            assertThat(endPoint.getIdleTimeout()).isPositive().isLessThanOrEqualTo(1_000 + 10 * 1000 / 1024 + 1);
        }
        assertThat(endPoint.getIdleTimeout()).isEqualTo(IDLE_MS);
    }
}
