package io.aami.agent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.agent.util.StopSignal;
import io.aami.contract.results.ResultAck;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool whose disk refuses a write (full, read-only) under the sender: the server stored the batch but the ack
 * position cannot be written. The sender backs off and goes on (the server has those records; a restart
 * before the next written ack sends them again and the server drops them); before, the exception ended the sender's thread and the agent never delivered again (found by the disk-full
 * fault scenario, README "Reliability").
 */
class ResultSenderDiskFailureTest {
    @TempDir
    Path dir;

    @Test
    void anAckTheDiskRefusesIsRetriedAndTheSenderKeepsRunning() throws Exception {
        Path spoolDir = dir.resolve("spool");
        try (ResultSpool spool = ResultSpool.open(spoolDir, new SpoolOptions(1 << 20, 4096, FsyncPolicy.NEVER, Duration.ofSeconds(1)),
                Clock.systemUTC(), new SpoolMetrics(new PrometheusRegistry()).forStream("checks"))) {
            for (int i = 0; i < 3; i++) {
                spool.append(seq -> ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
            }
            // The ack position is written through acked.tmp: a non-empty directory in its place fails that write.
            Path blocker = Files.createDirectories(spoolDir.resolve("acked.tmp")).resolve("x");
            Files.createFile(blocker);
            AtomicInteger shipped = new AtomicInteger();
            CredentialHolder holder = new CredentialHolder();
            holder.set(new AgentCredentials(UUID.randomUUID(), "t", "s", Instant.EPOCH, "k", "id"));
            StopSignal stop = new StopSignal();
            ResultSender sender = new ResultSender("checks", spool, (creds, epoch, records) -> {
                shipped.incrementAndGet();
                return new ResultAck(records.get(records.size() - 1).seq(), records.size(), 0, 0);
            }, holder, new ResultSender.BatchLimits(100, 1 << 20, Duration.ZERO), stop,
                    new Retry(Duration.ofMillis(50), Duration.ofMillis(200), new Random(1)), new RecordingRejections(),
                    Clock.systemUTC(), new SenderMetrics(new PrometheusRegistry()));
            Thread t = new Thread(sender::run, "test-sender");
            t.start();
            try {
                waitFor(() -> shipped.get() >= 1);
                Thread.sleep(300); // the failed ack and the sender's backoff after it
                assertThat(t.isAlive()).as("the sender survives a failed ack").isTrue();

                Files.delete(blocker);
                Files.delete(blocker.getParent());
                spool.append(seq -> ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
                waitFor(() -> spool.stats().pendingRecords() == 0);
                assertThat(shipped.get()).as("the record appended after the failure was sent").isGreaterThanOrEqualTo(2);
                assertThat(Files.readString(spoolDir.resolve("acked")).trim()).as("the ack position written at last").isEqualTo("4");
            } finally {
                stop.stop();
                t.join(5000);
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
