package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan over a proc tree written by the test (socket tables, descriptors as {@code socket:[inode]} links, comm,
 * status, cgroup): thousands of remote ports from one process stay within {@code max_remotes_per_process}, processes
 * past {@code max_processes} are summed as {@code other}, a container's id and pod UID come from its cgroup, and a
 * malformed line is skipped, not fatal.
 */
class DiscoveryBoundsTest {
    static final String CONTAINER = "ab".repeat(32);
    static final String POD = "1234abcd-5678-90ab-cdef-1234567890ab";
    static final int FANOUT = 2000;

    @TempDir
    Path proc;

    @Test
    void thousandsOfRemotePortsStayWithinTheBoundAndTheRestIsOther() throws Exception {
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < FANOUT; i++) {
            tcp.append(line(i, ip(10, 0, 0, 5), 40000 + i % 20000, ip(10, 1, i / 250, i % 250), 10000 + i, i % 3 == 0 ? 8 : 1, 1000 + i));
        }
        tcp.append("   x: garbage that is no socket\n");
        for (int p = 0; p < 5; p++) {
            tcp.append(line(FANOUT + p, ip(10, 0, 0, 5), 50000 + p, ip(10, 9, 9, 9), 5432, 1, 9000 + p));
        }
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), tcp);
        String header6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        Files.writeString(proc.resolve("net/tcp6"), header6);
        Files.writeString(proc.resolve("net/udp"), header6);
        Files.writeString(proc.resolve("net/udp6"), header6);
        process(4242, "fanout", "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_')
                + ".slice/cri-containerd-" + CONTAINER + ".scope\n", 1000, 1000, FANOUT);
        for (int p = 0; p < 5; p++) {
            process(5000 + p, "p" + p, "0::/user.slice\n", 0, 9000 + p);
        }

        SocketScanner scanner = new SocketScanner(proc, Users.PASSWD);
        Scan scan = scanner.scan();
        assertThat(scan.sockets.size).isEqualTo(FANOUT + 5);
        assertThat(scan.linesSkipped).isEqualTo(1);
        assertThat(scan.unowned()).isZero();
        ProcessInfo fanout = scan.processes.stream().filter(p -> p.name().equals("fanout")).findFirst().orElseThrow();
        Users users = new Users(Users.PASSWD);
        users.refresh();
        assertThat(fanout).isEqualTo(new ProcessInfo(4242, "fanout", "/usr/bin/fanout", 1000, users.name(1000), CONTAINER, POD));

        DiscoveryView view = new Derivation(20, 3).derive(scan);
        List<DiscoveryView.Row> up = view.upstream().stream().filter(r -> r.labels().get(3).equals("fanout")).toList();
        assertThat(up).hasSize(21);
        assertThat(up.stream().mapToLong(DiscoveryView.Row::value).sum()).isEqualTo(FANOUT);
        assertThat(up).filteredOn(r -> r.labels().get(5).equals("other")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(FANOUT - 20))
                .satisfies(r -> assertThat(r.labels().get(2)).isEqualTo("other"));
        List<DiscoveryView.Row> states = view.connections().stream().filter(r -> r.labels().get(0).equals("fanout")).toList();
        assertThat(states).hasSizeLessThanOrEqualTo(20 + 2); // 20 endpoints, plus other per state
        assertThat(states).allSatisfy(r -> assertThat(r.labels().subList(1, 3)).containsExactly(CONTAINER, POD));
        assertThat(states).filteredOn(r -> r.labels().get(6).equals("CLOSE_WAIT")).extracting(DiscoveryView.Row::value)
                .asList().satisfies(v -> assertThat(v.stream().mapToLong(x -> (Long) x).sum()).isEqualTo((FANOUT + 2) / 3));
        // fanout plus two of the five one-socket processes keep their names; the other three are summed.
        assertThat(view.upstream().stream().map(r -> r.labels().get(3)).distinct()).hasSize(4).contains("fanout", "other");
        assertThat(view.upstream()).filteredOn(r -> r.labels().get(3).equals("other")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(3));
        assertThat(view.upstream().size() + view.connections().size()).isLessThan(100);
    }

    /**
     * Between complete walks owners are remembered: a new socket of a known process, a new process's socket, and a socket
     * whose process is gone (no owner, never the dead one's name) are each right at the next scan.
     */
    @Test
    void rememberedOwnersFollowNewSocketsNewProcessesAndExits() throws Exception {
        String header = emptyTablesButTcp();
        Files.writeString(proc.resolve("net/tcp"), header + line(0, ip(10, 0, 0, 5), 40000, ip(10, 9, 9, 9), 443, 1, 700));
        process(71, "first", "", 0, 700);
        SocketScanner scanner = new SocketScanner(proc, Users.PASSWD);
        assertThat(owners(scanner.scan())).containsExactly("first");

        Files.writeString(proc.resolve("net/tcp"), header + line(0, ip(10, 0, 0, 5), 40000, ip(10, 9, 9, 9), 443, 1, 700)
                + line(1, ip(10, 0, 0, 5), 40001, ip(10, 9, 9, 9), 443, 1, 701) + line(2, ip(10, 0, 0, 5), 40002, ip(10, 9, 9, 9), 443, 1, 702));
        Files.createSymbolicLink(proc.resolve("71/fd/4"), Path.of("socket:[701]"));
        process(72, "second", "", 0, 702);
        assertThat(owners(scanner.scan())).containsExactly("first", "first", "second");

        try (var files = Files.walk(proc.resolve("72"))) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        assertThat(owners(scanner.scan())).containsExactly("first", "first", "");
    }

    /**
     * A socket the kernel wrote twice (a table read while other sockets come and go) counts once, whether its owner is
     * found by a walk or remembered; sockets no process holds (inode 0) are all kept.
     */
    @Test
    void aSocketListedTwiceCountsOnce() throws Exception {
        String header = emptyTablesButTcp();
        String twice = line(1, ip(10, 0, 0, 5), 40000, ip(10, 9, 9, 9), 443, 1, 700);
        String waiting = line(2, ip(10, 0, 0, 5), 40001, ip(10, 9, 9, 9), 443, 6, 0);
        Files.writeString(proc.resolve("net/tcp"), header + twice + waiting + twice + waiting
                + line(3, ip(10, 0, 0, 5), 40002, ip(10, 9, 9, 9), 443, 1, 701) + twice);
        process(71, "first", "", 0, 700);
        Files.createSymbolicLink(proc.resolve("71/fd/4"), Path.of("socket:[701]"));
        SocketScanner scanner = new SocketScanner(proc, Users.PASSWD);
        assertThat(owners(scanner.scan())).as("walked").containsExactly("first", "", "", "first");
        Scan scan = scanner.scan();
        assertThat(owners(scan)).as("remembered").containsExactly("first", "", "", "first");
        assertThat(scan.sockets.localPort[3]).isEqualTo(40002);
        assertThat(new Derivation(50, 200).derive(scan).upstream()).filteredOn(r -> r.labels().get(3).equals("first"))
                .singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(2));
    }

    /** Writes empty tcp6, udp and udp6 tables; returns the header for the test's own tcp table. */
    private String emptyTablesButTcp() throws Exception {
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        Files.createDirectories(proc.resolve("net"));
        for (String t : List.of("tcp6", "udp", "udp6")) {
            Files.writeString(proc.resolve("net").resolve(t), header);
        }
        return header;
    }

    private static List<String> owners(Scan scan) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < scan.sockets.size; i++) {
            ProcessInfo p = scan.owner(i);
            names.add(p == null ? "" : p.name());
        }
        return names;
    }

    private void process(int pid, String comm, String cgroup, int uid, int... inodes) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)).resolve("fd"));
        if (inodes.length == 2 && inodes[1] == FANOUT) {
            for (int i = 0; i < FANOUT; i++) {
                Files.createSymbolicLink(dir.resolve(Integer.toString(i + 3)), Path.of("socket:[" + (inodes[0] + i) + "]"));
            }
        } else {
            Files.createSymbolicLink(dir.resolve("3"), Path.of("socket:[" + inodes[0] + "]"));
        }
        Files.createSymbolicLink(dir.resolve("0"), Path.of("/dev/null"));
        Path p = dir.getParent();
        Files.writeString(p.resolve("comm"), comm + "\n");
        Files.writeString(p.resolve("status"), "Name:\t" + comm + "\nUmask:\t0022\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        Files.writeString(p.resolve("cgroup"), cgroup);
        Files.createSymbolicLink(p.resolve("exe"), Path.of("/usr/bin/" + comm));
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** A {@code /proc/net/tcp} line: addresses as the kernel writes them, in the host's byte order. */
    static String line(int sl, int local, int localPort, int remote, int remotePort, int state, long inode) {
        return String.format(Locale.ROOT, "%4d: %08X:%04X %08X:%04X %02X 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1%n",
                sl, host(local), localPort, host(remote), remotePort, state, inode);
    }

    private static int host(int networkOrder) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(networkOrder) : networkOrder;
    }
}
