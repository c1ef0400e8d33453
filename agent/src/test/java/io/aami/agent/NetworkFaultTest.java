package io.aami.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.FaultFigures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 4 (README "Reliability"): network faults between a real agent, a child JVM inside a network
 * namespace, and a real config-server, over mutual TLS ({@link NetFaultRig}): packet loss (nftables), delay with
 * jitter (a relay of the test's own: this kernel has no netem), real packet reordering (htb's slow class, see
 * {@code NetnsHost.reorder}), a partition and a flapping link. For each fault: every result the agent answered 202
 * for is stored exactly once, the time from the fault's end until all of them are stored is printed, and the
 * agent's resident memory stays within a bound of what it used before the faults.
 */
class NetworkFaultTest {
    /** How far above its resident set before the faults the agent may go (its heap alone may grow to -Xmx64m). */
    static final long RSS_HEADROOM_KIB = 96 * 1024;

    @TempDir
    Path dir;

    @Test
    @Tag("reliability")
    void twentyPercentLossThenAFiveSecondPartitionLoseAndDuplicateNothing() throws Exception {
        // Requests time out after 3 s and retries wait at most 2 s (TestAgentConfig), so the agent is back soon.
        try (NetFaultRig rig = NetFaultRig.start(dir, Map.of("AAMI_HEARTBEAT_TIMEOUT", "3s"));
             Faults faults = new Faults(rig)) {
            faults.run("4-loss-20pct-2s", () -> {
                rig.host.loss(20);
                Thread.sleep(2_000);
                rig.host.loss(0);
            });
            faults.run("4-partition-5s", () -> {
                rig.host.linkDown();
                Thread.sleep(5_000);
                rig.host.linkUp();
            });
        }
    }

    @Test
    @Tag("reliability-long")
    void everyNetworkFaultAtTheIssuesSizesLosesAndDuplicatesNothing() throws Exception {
        // The agent's own retry caps (1 min for its loops) and request timeout (10 s): recovery as deployed.
        try (NetFaultRig rig = NetFaultRig.start(dir, Map.of("AAMI_SERVER_RETRY_MAX_INTERVAL", ""));
             Faults faults = new Faults(rig)) {
            faults.run("4-loss-20pct-60s", () -> {
                rig.host.loss(20);
                Thread.sleep(60_000);
                rig.host.loss(0);
            });
            faults.run("4-delay-500ms-jitter-200ms-60s", () -> {
                rig.relay.delay(Duration.ofMillis(500), Duration.ofMillis(200));
                Thread.sleep(60_000);
                rig.relay.delay(Duration.ZERO, Duration.ZERO);
            });
            long outOfOrder = rig.outOfOrderSegments();
            faults.run("4-reorder-25pct-60s", () -> {
                rig.host.reorder(25);
                Thread.sleep(60_000);
                rig.host.reorder(0);
            });
            long reordered = rig.outOfOrderSegments() - outOfOrder;
            System.out.println("RELIABILITY scenario=4-reorder-25pct-60s out_of_order_segments=" + reordered);
            faults.run("4-partition-60s", () -> {
                rig.host.linkDown();
                Thread.sleep(60_000);
                rig.host.linkUp();
            });
            faults.run("4-flapping-60s", () -> {
                for (int i = 0; i < 10; i++) { // down 3 s, up 3 s, for a minute
                    rig.host.linkDown();
                    Thread.sleep(3_000);
                    rig.host.linkUp();
                    Thread.sleep(3_000);
                }
            });
            assertThat(reordered).as("segments that arrived out of order while reordering").isPositive();
        }
    }

    /** Runs faults one after another on a rig, each followed by its figures and the memory check. */
    static final class Faults implements AutoCloseable {
        interface Fault {
            void apply() throws Exception;
        }

        private final NetFaultRig rig;
        private final long baselineKib;
        private volatile long maxKib;
        private volatile boolean sampling = true;
        private final Thread sampler;

        Faults(NetFaultRig rig) throws InterruptedException {
            this.rig = rig;
            long base = 0;
            for (int i = 0; i < 5; i++) { // the agent at work before any fault
                base = Math.max(base, rig.rssKib());
                Thread.sleep(100);
            }
            this.baselineKib = base;
            this.sampler = new Thread(this::sample, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (sampling) {
                try {
                    maxKib = Math.max(maxKib, rig.agent.isAlive() ? rig.rssKib() : Long.MAX_VALUE);
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void run(String scenario, Fault fault) throws Exception {
            int from = rig.accepted().size();
            maxKib = 0;
            fault.apply();
            long during = maxKib;
            long ended = System.nanoTime();
            List<String> produced = rig.accepted();
            List<String> mine = produced.subList(from, produced.size());
            long deadline = ended + Duration.ofMinutes(3).toNanos();
            Map<String, Long> stored = rig.stored();
            while (!stored.keySet().containsAll(mine) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                stored = rig.stored();
            }
            Duration recovery = Duration.ofNanos(System.nanoTime() - ended);
            maxKib = 0;
            Thread.sleep(500);
            long after = Math.max(maxKib, rig.rssKib());
            Map<String, Long> found = stored;
            long storedOnce = mine.stream().filter(found::containsKey).count();
            long duplicated = mine.stream().mapToLong(r -> Math.max(0, found.getOrDefault(r, 0L) - 1)).sum();
            System.out.println(String.format(Locale.ROOT, "RELIABILITY scenario=%s agent_rss_kib before=%d during=%d after=%d",
                    scenario, baselineKib, during, after));
            new FaultFigures(scenario, mine.size(), storedOnce, duplicated, mine.size() - storedOnce, 0, recovery).report();
            assertThat(mine).as(scenario + ": the agent took results during the fault or before its end").isNotEmpty();
            assertThat(Math.max(during, after)).as(scenario + ": the agent's resident set (KiB) stays within "
                    + RSS_HEADROOM_KIB + " KiB of its " + baselineKib + " KiB before the faults").isLessThanOrEqualTo(baselineKib + RSS_HEADROOM_KIB);
        }

        @Override
        public void close() throws InterruptedException {
            sampling = false;
            sampler.interrupt();
            sampler.join(5_000);
        }
    }
}
