package io.aami.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code discovery}: what one host-discovery scan costs the agent (issue 11: ≤ 50 ms CPU and a few MB of garbage
 * for 10,000 sockets and 1,000 processes). This JVM opens {@code --sockets} TCP sockets on loopback (connected
 * pairs to one listener) and starts {@code --processes} idle {@code sleep} processes; the agent jar's
 * {@code io.aami.agent.discovery.ScanDiagnostic} (the agent's scanner and derivation, in a child JVM: the bench may
 * not link against the agent) scans {@code /proc} and reports its thread's CPU and allocation per scan. The peer is
 * {@code ss -tuanp}, which does the same work (socket tables plus every process's descriptors), its CPU read from this
 * JVM's reaped children. Exit 0 when the scan found every generated connection under this JVM, 1 when not, 3 when the
 * run could not be made.
 */
final class DiscoveryCommand {
    static final int EXIT_WRONG = 1;
    static final int EXIT_FAILED = 3;
    static final double GOAL_CPU_MS = 50;
    static final double GOAL_ALLOC_MB = 5;

    /** What a run measured; {@code found}: connections the scan put downstream of the generated listener. */
    record Outcome(int pairs, long found, double cpuMs, double maxCpuMs, double allocMb, double peerCpuMs, String line) {
        int exitCode() {
            return found == pairs ? 0 : EXIT_WRONG;
        }
    }

    private final DiscoveryOptions o;
    private final PrintStream out;

    DiscoveryCommand(DiscoveryOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Outcome run() throws Exception {
        List<AutoCloseable> held = new ArrayList<>();
        List<Process> sleepers = new ArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4096);
            int pairs = (o.sockets() - 1) / 2;
            for (int i = 0; i < pairs; i++) {
                held.add(SocketChannel.open(listener.getLocalAddress()));
                held.add(listener.accept());
            }
            for (int i = 0; i < o.processes(); i++) {
                sleepers.add(new ProcessBuilder("sleep", "600").start());
            }
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            out.printf(Locale.ROOT, "%d TCP sockets on loopback (%d connected pairs and a listener on port %d), %d idle processes%n",
                    2 * pairs + 1, pairs, port, o.processes());
            String report = scan();
            double cpuMs = number(report, "cpu_ms_per_scan");
            double maxCpuMs = number(report, "cpu_ms_max_scan");
            double allocMb = number(report, "alloc_bytes_per_scan") / 1e6;
            long found = downstream(report, port);
            double peerMs = peer();
            Outcome r = new Outcome(pairs, found, cpuMs, maxCpuMs, allocMb, peerMs, report.lines().findFirst().orElse(""));
            report(r);
            return r;
        } finally {
            sleepers.forEach(Process::destroy);
            for (AutoCloseable c : held) {
                c.close();
            }
        }
    }

    private String scan() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", o.agentJar().toString(), "io.aami.agent.discovery.ScanDiagnostic",
                "--scans", Integer.toString(o.scans()), "--warmup", Integer.toString(o.warmup()), "--print")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !text.startsWith("scans=")) {
            throw new IllegalStateException("the agent's scan diagnostic failed: " + text.strip());
        }
        return text;
    }

    /** Connections the scan counted from 127.0.0.1 to the generated listener (this JVM, a process named java). */
    static long downstream(String report, int port) {
        String prefix = "planet_downstream [127.0.0.1, , " + port + ", ";
        return report.lines().filter(l -> l.startsWith(prefix) && l.contains(", tcp, 127.0.0.1, ] "))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** CPU per {@code ss -tuanp} run, from this JVM's reaped children. */
    private double peer() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        ProcessStats before = ProcessStats.of(pid);
        for (int i = 0; i < o.peerRuns(); i++) {
            Process ss = new ProcessBuilder("ss", "-tuanp").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start();
            if (ss.waitFor() != 0) {
                throw new IllegalStateException("ss -tuanp exited " + ss.exitValue());
            }
        }
        ProcessStats after = ProcessStats.of(pid);
        return (after.childCpuNanos() - before.childCpuNanos()) / 1e6 / o.peerRuns();
    }

    private void report(Outcome r) {
        out.println("scan: " + r.line());
        out.printf(Locale.ROOT, "aami discovery scan CPU: %.2f ms per scan, allocation %.2f MB per scan (%d scans; the costliest,"
                + " often a full scan as every 10th is: %.2f ms)%n", r.cpuMs(), r.allocMb(), o.scans(), r.maxCpuMs());
        out.printf(Locale.ROOT, "peer ss -tuanp: %.2f ms CPU per run (%d runs; USER_HZ ticks, so 10 ms steps per run summed)%n",
                r.peerCpuMs(), o.peerRuns());
        out.printf(Locale.ROOT, "ratio aami/peer: %.2f%n", r.peerCpuMs() > 0 ? r.cpuMs() / r.peerCpuMs() : Double.NaN);
        out.printf(Locale.ROOT, "goal (<= %.0f ms CPU and <= %.0f MB per scan): %s%n", GOAL_CPU_MS, GOAL_ALLOC_MB,
                r.cpuMs() <= GOAL_CPU_MS && r.allocMb() <= GOAL_ALLOC_MB ? "met" : "missed");
        out.printf(Locale.ROOT, "load average: %s%n", LoadAverage.now());
        out.println(r.exitCode() == 0 ? "correctness: OK (every generated connection found downstream of the listener, under this process)"
                : "correctness: FAILED (" + r.found() + " of " + r.pairs() + " generated connections found)");
    }

    static double number(String report, String key) {
        int at = report.indexOf(key + "=");
        if (at < 0) {
            throw new IllegalStateException("no " + key + " in: " + report);
        }
        int from = at + key.length() + 1;
        int end = from;
        while (end < report.length() && !Character.isWhitespace(report.charAt(end))) {
            end++;
        }
        return Double.parseDouble(report.substring(from, end));
    }


    /** {@code discovery} in {@link BenchMain#COMMANDS}. */
    static final class Entry implements BenchMain.Command {
        @Override
        public String usage() {
            return DiscoveryOptions.USAGE;
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws BenchMain.UsageException {
            DiscoveryOptions o = DiscoveryOptions.parse(args);
            try {
                return new DiscoveryCommand(o, out).run().exitCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("aami-bench: interrupted");
                return EXIT_FAILED;
            } catch (Exception e) {
                err.println("aami-bench: the run could not be made: " + e.getMessage());
                return EXIT_FAILED;
            }
        }
    }
}
