package io.aami.agent.probes;

import io.aami.contract.probes.ProbeTask;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/** Shared test helpers: tasks, free and closed ports, metric reads, TIME_WAIT counting. */
final class ProbeFixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);

    private ProbeFixtures() {
    }

    static ProbeTask tcp(String target, int port, int timeoutMs) {
        return new ProbeTask(null, null, null, target, port, "TCP", timeoutMs, null, null, null);
    }

    static ProbeTask udp(String target, int port, int timeoutMs, String payload, String expect, Boolean noReplyOk) {
        return new ProbeTask(null, null, null, target, port, "UDP", timeoutMs, payload, expect, noReplyOk);
    }

    static ValidatedProbe validated(ProbeTask task) {
        return ValidatedProbes.from(task);
    }

    /** A loopback TCP port nothing listens on (closing a listener leaves no TIME_WAIT). */
    static int closedTcpPort() {
        // Below the ephemeral range (32768 and up here): a port from it could be the kernel's pick for a
        // probe's own source port, and a connect to itself succeeds (TCP simultaneous open), nor can a
        // listener on port 0 of another test take it meanwhile.
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // in use: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free loopback port below the ephemeral range"));
    }

    /** A loopback port free for binding a client socket now. */
    static int freeTcpPort() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double counterSum(PrometheusRegistry registry, String name) {
        double sum = 0;
        for (MetricSnapshot m : registry.scrape()) {
            if (m instanceof CounterSnapshot && m.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
                    sum += p.getValue();
                }
            }
        }
        return sum;
    }

    static double counter(PrometheusRegistry registry, String name, String protocol, String reason) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m instanceof CounterSnapshot && m.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
                    if (protocol.equals(p.getLabels().get("protocol")) && reason.equals(p.getLabels().get("reason"))) {
                        return p.getValue();
                    }
                }
            }
        }
        throw new AssertionError("no " + name + "{protocol=" + protocol + ",reason=" + reason + "}");
    }

    static double gauge(PrometheusRegistry registry, String name) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m instanceof GaugeSnapshot && m.getMetadata().getPrometheusName().equals(name)) {
                return ((GaugeSnapshot) m).getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no gauge " + name);
    }

    /** TCP sockets in TIME_WAIT (state 06) with {@code port} at either end, IPv4 and IPv6. */
    static long timeWaitCount(int port) throws IOException {
        String hex = String.format(Locale.ROOT, ":%04X", port);
        long count = 0;
        for (Path table : List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))) {
            if (!Files.exists(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("06") && (f[1].endsWith(hex) || f[2].endsWith(hex))) {
                    count++;
                }
            }
        }
        return count;
    }
}
