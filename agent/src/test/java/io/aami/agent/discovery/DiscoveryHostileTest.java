package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.metrics.AgentMetrics;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile local user can do to the scan: a process named like exposition-format syntax (a quote, a brace, a
 * newline; {@code comm} is whatever the executable's name was) with a 1 MB command line and 2,000 sockets, which keeps
 * opening and closing connections and starting processes that exit at once (descriptors and pids that vanish between a
 * listing and a read). Every scan must succeed, count the stable sockets right, and the name must reach {@code /metrics}
 * escaped, never as a line of its own. And a socket table larger than the bound is cut, the scan saying it is partial.
 */
class DiscoveryHostileTest {
    /** 15 bytes, all {@code comm} keeps: if written raw, the scrape would get a line {@code evil{a="…}. */
    static final String NAME = "e\"} 1\nevil{a=\"";
    static final int PAIRS = 1000;

    @TempDir
    Path dir;

    @Test
    void hostileNameChurnAndPidsDyingMidScanKeepTheScanBoundedCorrectAndEscaped() throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(PAIRS), "churn"));
        for (int i = 0; i < 8; i++) {
            args.add("A".repeat(128 * 1024 - 1)); // one argument may not pass 128 KiB; eight make a 1 MB command line
        }
        Process child = SocketChildren.start(dir, NAME, Crowd.class, args);
        try {
            String[] ready = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine().split(" ");
            int port = Integer.parseInt(ready[1]);
            AgentMetrics agent = new AgentMetrics();
            DiscoveryMetrics metrics = new DiscoveryMetrics(agent.registry());
            DiscoveryLoop loop = new DiscoveryLoop(new SocketScanner(Path.of("/proc"), Users.PASSWD, 256), new Derivation(50, 200),
                    metrics, Duration.ofSeconds(30), new io.aami.agent.util.StopSignal(), Clock.systemUTC());
            for (int i = 0; i <= OwnerCache.FULL_EVERY; i++) { // a full scan, the scans between, and the next full one
                loop.scanOnce();
                long stable = metrics.view().downstream().stream().filter(r -> r.labels().get(3).equals(NAME)
                        && r.labels().get(2).equals(Integer.toString(port))).mapToLong(DiscoveryView.Row::value).sum();
                assertThat(stable).as("scan %d", i).isGreaterThanOrEqualTo(PAIRS);
            }
            assertThat(metrics.scans.labelValues("error").get()).isZero();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            agent.write(out);
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("process_name=\"e\\\"} 1\\nevil{a=\\\"\"");
            assertThat(text.lines()).noneMatch(l -> l.startsWith("evil"));
            assertThat(metrics.view().connections().stream().filter(r -> r.labels().get(0).equals(NAME)).count())
                    .isLessThanOrEqualTo(50 + 12); // max_remotes_per_process, plus an "other" per state
        } finally {
            child.getOutputStream().close();
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSocketTablePastTheBoundIsCutAndTheScanSaysItIsPartial() throws Exception {
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        StringBuilder tcp = new StringBuilder(header);
        for (int i = 0; i < 1000; i++) {
            tcp.append(DiscoveryBoundsTest.line(i, DiscoveryBoundsTest.ip(10, 0, 0, 5), 40000 + i, DiscoveryBoundsTest.ip(10, 9, 9, 9), 443, 1, 100 + i));
        }
        Files.createDirectories(dir.resolve("net"));
        Files.writeString(dir.resolve("net/tcp"), tcp);
        for (String t : List.of("tcp6", "udp", "udp6")) {
            Files.writeString(dir.resolve("net").resolve(t), header);
        }
        int bound = 64 * 1024;
        Scan scan = new SocketScanner(dir, Users.PASSWD, 0, bound).scan();
        assertThat(scan.sockets.size).isPositive().isLessThan(1000);
        assertThat(scan.linesSkipped).as("no half line parsed").isZero();
        assertThat(scan.partial()).isTrue();
        assertThat(new SocketScanner(dir, Users.PASSWD, 0, 1 << 20).scan().sockets.size).isEqualTo(1000);
    }
}
