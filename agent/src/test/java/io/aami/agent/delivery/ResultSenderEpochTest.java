package io.aami.agent.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.util.StopSignal;
import io.aami.contract.results.ResultAck;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the sender treats an acknowledgement beyond every seq its spool produced: the server holds
 * numbers of the epoch that are not the agent's (a restored spool, a copied credential posting in the
 * epoch). The records it called duplicates were never stored, so they go again in a new epoch; a
 * hostile server repeating it gets a new epoch per backed-off attempt, never a spin and never a loss.
 */
class ResultSenderEpochTest {
    @TempDir
    Path dir;

    record Shipped(String epoch, List<Long> seqs) {
    }

    final List<Shipped> shipped = new ArrayList<>();

    ResultSender sender(ResultSpool spool, int maxBatch, ResultSender.Shipper shipper) {
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(UUID.randomUUID(), "t", "s", Instant.EPOCH, "k", "id"));
        ResultSender.Shipper recording = (creds, epoch, records) -> {
            shipped.add(new Shipped(epoch, records.stream().map(r -> r.seq()).toList()));
            return shipper.ship(creds, epoch, records);
        };
        return new ResultSender("checks", spool, recording, holder, new ResultSender.BatchLimits(maxBatch, 1 << 20, Duration.ZERO),
                new StopSignal(), new Retry(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1)), new RecordingRejections(),
                Clock.systemUTC(),
                new SenderMetrics(new PrometheusRegistry()));
    }

    ResultSpool spool() {
        return ResultSpool.open(dir.resolve("spool"), new SpoolOptions(1 << 20, 4096, FsyncPolicy.NEVER, Duration.ofSeconds(1)),
                Clock.systemUTC(), new SpoolMetrics(new PrometheusRegistry()).forStream("checks"));
    }

    @Test
    void anAckBeyondWhatTheSpoolProducedStartsANewEpochAndSendsTheSameRecordsAgain() {
        try (ResultSpool spool = spool()) {
            for (int i = 0; i < 3; i++) {
                spool.append(seq -> ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
            }
            String first = spool.epoch();
            boolean[] hostile = {true};
            ResultSender sender = sender(spool, 100, (creds, epoch, records) -> hostile[0]
                    ? new ResultAck(1_000_000, 0, records.size(), 0)
                    : new ResultAck(records.get(records.size() - 1).seq(), records.size(), 0, 0));

            Duration pause = sender.step();
            assertThat(pause).as("backs off: a server repeating this cannot make the agent spin").isPositive();
            assertThat(spool.epoch()).isNotEqualTo(first);
            assertThat(spool.stats().pendingRecords()).as("nothing the server called a duplicate is dropped").isEqualTo(3);
            String second = spool.epoch();
            assertThat(sender.step()).isPositive();
            assertThat(spool.epoch()).isNotIn(first, second);

            hostile[0] = false;
            assertThat(sender.step()).isZero();
            assertThat(spool.stats().pendingRecords()).isZero();
            assertThat(shipped).extracting(Shipped::seqs).containsOnly(List.of(1L, 2L, 3L));
            assertThat(shipped).extracting(Shipped::epoch).doesNotHaveDuplicates().startsWith(first, second)
                    .endsWith(spool.epoch());
        }
    }

    @Test
    void anAckBeyondTheBatchButWithinWhatWasProducedIsAnOrdinaryAck() {
        try (ResultSpool spool = spool()) {
            for (int i = 0; i < 5; i++) {
                spool.append(seq -> ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
            }
            String epoch = spool.epoch();
            // The server stored 1..5 earlier (a lost ack), the agent re-sends in smaller batches.
            ResultSender sender = sender(spool, 2, (creds, e, records) -> new ResultAck(5, 0, records.size(), 0));
            for (int i = 0; i < 3; i++) {
                assertThat(sender.step()).isZero();
            }
            assertThat(spool.epoch()).isEqualTo(epoch);
            assertThat(spool.stats().pendingRecords()).isZero();
            assertThat(shipped).extracting(Shipped::seqs).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
        }
    }
}
