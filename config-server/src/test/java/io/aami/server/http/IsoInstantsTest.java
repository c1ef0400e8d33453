package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 (ingest): the agents' timestamp form is read without {@code DateTimeFormatter}; every value
 * it reads must be the instant the formatter reads, and everything else must be left to the formatter.
 */
class IsoInstantsTest {
    @Test
    void readsTheAgentsFormExactlyAsTheFormatterDoes() {
        Random random = new Random(14);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    });
            String text = t.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(t);
            // Fewer fraction digits than toString writes (an agent in another language may send them).
            if (text.length() > 21) {
                String shorter = text.substring(0, text.length() - 2) + "Z";
                assertThat(IsoInstants.parse(shorter)).as(shorter).isEqualTo(DateTimeFormatter.ISO_INSTANT.parse(shorter, Instant::from));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-04-31T10:00:00Z",
            "2026-12-01T24:00:00Z", "2026-12-01T23:60:00Z", "2026-12-01T23:59:60Z", "2026-12-01T10:00:00.Z",
            "2026-12-01T10:00:00.1234567890Z", "2026-12-01t10:00:00Z", "2026-12-01T10:00:00z", "2026-12-01T10:00:00+00:00",
            "0000-01-01T00:00:00Z", "+12026-12-01T10:00:00Z", "2026-12-01 10:00:00Z", "2026-12-01T10:00Z", "2026-1-01T10:00:00Z",
            "２026-12-01T10:00:00Z", "2026-12-01T10:00:0xZ", "-026-12-01T10:00:00Z", "2026-12-01T10:00:00.-1Z", "1700000000"})
    void leavesEveryOtherFormAndEveryInvalidValueToTheFormatter(String text) {
        assertThat(IsoInstants.parse(text)).isNull();
    }

    @Test
    void aLeapDayIsRead() {
        assertThat(IsoInstants.parse("2024-02-29T23:59:59.5Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.5Z"));
    }
}
