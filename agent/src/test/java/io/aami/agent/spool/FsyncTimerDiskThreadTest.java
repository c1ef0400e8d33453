package io.aami.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.util.SharedTimer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spools' interval fsync shares the agent's timer with the check and probe schedulers: a slow fsync must
 * not delay their starts, so the timer only triggers it and it runs on the disk thread.
 */
class FsyncTimerDiskThreadTest {
    @Test
    @Timeout(30)
    void aStalledFsyncDelaysNoScheduledStartAndRunsOnTheDiskThread() throws Exception {
        try (SharedTimer timer = new SharedTimer("test-timer", "test-disk")) {
            CountDownLatch syncing = new CountDownLatch(1);
            CountDownLatch diskBack = new CountDownLatch(1);
            AtomicReference<String> syncThread = new AtomicReference<>();
            AtomicInteger syncs = new AtomicInteger();
            FsyncTimer fsync = new FsyncTimer("unused", Duration.ofMillis(5), () -> {
                syncThread.set(Thread.currentThread().getName());
                syncs.incrementAndGet();
                syncing.countDown();
                try {
                    diskBack.await(20, TimeUnit.SECONDS); // a disk that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, timer);
            assertThat(syncing.await(10, TimeUnit.SECONDS)).isTrue();

            SharedTimer.Lease scheduler = timer.lease();
            CountDownLatch started = new CountDownLatch(3);
            scheduler.scheduleWithFixedDelay(started::countDown, 0, 10, TimeUnit.MILLISECONDS);
            assertThat(started.await(5, TimeUnit.SECONDS)).as("scheduled starts while the fsync hangs").isTrue();
            assertThat(syncThread.get()).isEqualTo("test-disk");
            assertThat(syncs.get()).as("triggers of a still-running sync are skipped, not queued").isEqualTo(1);

            diskBack.countDown();
            scheduler.close();
            fsync.close();
        }
    }
}
