package io.aami.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void fullJitterStaysUnderAGrowingCappedCeiling() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(7));
        long[] ceilings = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        long maxSeen = 0;
        for (long ceiling : ceilings) {
            long ms = b.next().toMillis();
            assertThat(ms).isBetween(50L, ceiling);
            maxSeen = Math.max(maxSeen, ms);
        }
        assertThat(maxSeen).isGreaterThan(1000);
        b.reset();
        assertThat(b.next().toMillis()).isLessThanOrEqualTo(1000);
    }

    @Test
    void jitterSpreadsAFleet() {
        RandomGenerator r = new SplittableRandom(1);
        long distinct = java.util.stream.IntStream.range(0, 100)
                .mapToLong(i -> new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), r).atCap().toMillis())
                .distinct().count();
        assertThat(distinct).isGreaterThan(90);
    }
}
