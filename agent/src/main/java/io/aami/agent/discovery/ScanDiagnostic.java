package io.aami.agent.discovery;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A diagnostic entry in the agent jar, started apart from the agent ({@code java -cp aami-agent.jar
 * io.aami.agent.discovery.ScanDiagnostic [--proc /proc] [--scans 20] [--warmup 5] [--max-remotes 50]
 * [--max-namespaces 256] [--print]}):
 * runs the discovery scan and derivation as the agent does and prints, on one line, what a scan found and cost
 * (this thread's CPU and allocation per scan, measured by the JVM, and the CPU of the costliest scan: one that walks
 * every process's descriptors, as every {@value OwnerCache#FULL_EVERY}th does); {@code --print} adds the series. The
 * {@code discovery} benchmark runs it, since the benchmark may not link against the agent; an operator may run it
 * to see what the agent would export. Needs only the JDK: no logging, no config.
 */
public final class ScanDiagnostic {
    private ScanDiagnostic() {
    }

    public static void main(String[] args) {
        Path proc = Path.of("/proc");
        int scans = 20;
        int warmup = 5;
        int maxRemotes = 50;
        int maxNamespaces = 256;
        boolean print = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--proc" -> proc = Path.of(args[++i]);
                case "--scans" -> scans = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--max-remotes" -> maxRemotes = Integer.parseInt(args[++i]);
                case "--max-namespaces" -> maxNamespaces = Integer.parseInt(args[++i]);
                case "--print" -> print = true;
                default -> {
                    System.err.println("usage: ScanDiagnostic [--proc /proc] [--scans 20] [--warmup 5] [--max-remotes 50] [--max-namespaces 256] [--print]");
                    System.exit(2);
                }
            }
        }
        System.out.println(run(proc, scans, warmup, maxRemotes, maxNamespaces, print));
    }

    static String run(Path proc, int scans, int warmup, int maxRemotes, int maxNamespaces, boolean print) {
        SocketScanner scanner = new SocketScanner(proc, Users.PASSWD, maxNamespaces);
        Derivation derivation = new Derivation(maxRemotes, 200);
        for (int i = 0; i < warmup; i++) {
            derivation.derive(scanner.scan());
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getThreadAllocatedBytes(tid);
        long wall0 = System.nanoTime();
        DiscoveryView view = DiscoveryView.EMPTY;
        long maxCpu = 0;
        long links = 0;
        long dirs = 0;
        for (int i = 0; i < scans; i++) {
            long before = threads.getCurrentThreadCpuTime();
            Scan scan = scanner.scan();
            links += scan.linksRead;
            dirs += scan.directoriesListed;
            view = derivation.derive(scan);
            maxCpu = Math.max(maxCpu, threads.getCurrentThreadCpuTime() - before);
        }
        long n = Math.max(1, scans);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "scans=%d cpu_ms_per_scan=%.3f cpu_ms_max_scan=%.3f alloc_bytes_per_scan=%d wall_ms_per_scan=%.3f tcp_sockets=%d udp_sockets=%d"
                        + " processes=%d processes_unreadable=%d sockets_unowned=%d partial=%d servers=%d upstream=%d downstream=%d"
                        + " connections=%d namespaces=%d namespaces_skipped=%d fd_dirs_listed_per_scan=%.1f fd_links_read_per_scan=%.1f",
                scans, (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / n, maxCpu / 1e6, (threads.getThreadAllocatedBytes(tid) - alloc0) / n,
                (System.nanoTime() - wall0) / 1e6 / n, view.seen().tcpSockets(), view.seen().udpSockets(), view.seen().processes(),
                view.seen().processesUnreadable(), view.seen().unowned(), view.seen().partial() ? 1 : 0, view.servers().size(),
                view.upstream().size(), view.downstream().size(), view.connections().size(), view.seen().namespaces(),
                view.seen().namespacesSkipped(), dirs / (double) n, links / (double) n));
        if (print) {
            append(sb, DiscoveryMetrics.SERVERS, view.servers());
            append(sb, DiscoveryMetrics.UPSTREAM, view.upstream());
            append(sb, DiscoveryMetrics.DOWNSTREAM, view.downstream());
            append(sb, DiscoveryMetrics.CONNECTIONS, view.connections());
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String family, java.util.List<DiscoveryView.Row> rows) {
        rows.forEach(r -> sb.append('\n').append(family).append(' ').append(r.labels()).append(' ').append(r.value()));
    }
}
