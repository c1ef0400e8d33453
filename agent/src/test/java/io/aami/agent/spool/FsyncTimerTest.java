package io.aami.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FsyncTimerTest {
    @Test
    void syncsEveryIntervalSurvivesAFailingSyncAndStopsOnClose() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        FsyncTimer timer = new FsyncTimer("test-fsync", Duration.ofMillis(10), () -> {
            runs.incrementAndGet();
            threeRuns.countDown();
            if (runs.get() == 1) {
                throw new IllegalStateException("disk hiccup");
            }
        }, null);
        try {
            assertThat(threeRuns.await(10, TimeUnit.SECONDS)).as("kept running after the failure").isTrue();
        } finally {
            timer.close();
        }
        int afterClose = runs.get();
        Thread.sleep(100);
        assertThat(runs.get()).isEqualTo(afterClose);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("test-fsync"));
    }
}
