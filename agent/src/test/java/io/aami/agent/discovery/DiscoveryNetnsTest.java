package io.aami.agent.discovery;

import static io.aami.agent.discovery.DiscoveryScanTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.NetnsHost;
import io.aami.server.testing.NetnsLan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery across network namespaces ({@link NetnsLan} test hosts; skipped without root and iproute2): host B runs a
 * service ({@link HostChild}: TCP and UDP listeners on IPv4 and IPv6, and a listener that closes what it accepts), host
 * A a client of it, left in CLOSE_WAIT on the closed connection. The root namespace's tables show none of it: the
 * test's own scanner must read each host's tables through its processes and attribute every socket to its process and
 * namespace; a scanner run inside each host, as that host's agent, sees the cross-host edge from both ends; and
 * namespaces past {@code discovery.max_namespaces} are counted, not read.
 */
class DiscoveryNetnsTest {
    static final String SERVER = "aami-nsserver";
    static final String CLIENT = "aami-nsclient";

    @TempDir
    static Path dir;
    static NetnsLan lan;
    static NetnsHost a;
    static NetnsHost b;
    static final List<Process> children = new ArrayList<>();
    static Process server;
    static Process client;
    static int[] ports;

    @BeforeAll
    static void hosts() throws Exception {
        lan = NetnsLan.create();
        a = lan.addHost();
        b = lan.addHost();
        server = start(b, SERVER, b.address(), b.addressV6());
        ports = HostChildren.ready(server);
        client = start(a, CLIENT, a.address(), a.addressV6(), b.address(), "" + ports[0], "" + ports[4]);
        HostChildren.ready(client);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : children) {
            p.getOutputStream().close();
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (lan != null) {
            lan.close();
        }
    }

    @Test
    void rootScanReadsEachNamespaceAndAttributesItsSocketsToTheirProcesses() throws Exception {
        SocketScanner scanner = new SocketScanner(Path.of("/proc"), Users.PASSWD, 256);
        Derivation derivation = new Derivation(50, 200);
        DiscoveryView view = DiscoveryScanTest.awaitView(scanner, derivation, v -> v.connections().stream().anyMatch(
                r -> r.labels().get(0).equals(CLIENT) && r.labels().get(6).equals("CLOSE_WAIT")));
        String b4 = b.address();
        String b6 = b.addressV6();
        assertThat(rows(view.servers(), SERVER, 2)).containsExactlyInAnyOrder(
                List.of(b4 + ":" + ports[0], "" + ports[0], SERVER, "tcp"), List.of(b6 + ":" + ports[1], "" + ports[1], SERVER, "tcp"),
                List.of(b4 + ":" + ports[2], "" + ports[2], SERVER, "udp"), List.of(b6 + ":" + ports[3], "" + ports[3], SERVER, "udp"),
                List.of(b4 + ":" + ports[4], "" + ports[4], SERVER, "tcp"));
        assertThat(rows(view.downstream(), SERVER, 3)).contains(List.of(b4, "", "" + ports[0], SERVER, "tcp", a.address(), ""));
        assertThat(rows(view.upstream(), CLIENT, 3)).containsExactlyInAnyOrder(
                List.of(a.address(), "", "" + ports[0], CLIENT, "tcp", b4, ""),
                List.of(a.address(), "", "" + ports[4], CLIENT, "tcp", b4, ""));
        assertThat(view.connections().stream().filter(r -> r.labels().get(0).equals(CLIENT))
                .map(r -> r.labels().subList(4, 7) + "=" + r.value()).toList())
                .contains("[" + b4 + ", " + ports[4] + ", CLOSE_WAIT]=1", "[" + b4 + ", " + ports[0] + ", ESTABLISHED]=1");
        assertThat(view.seen().namespaces()).isGreaterThanOrEqualTo(3);

        Scan scan = scanner.scan();
        assertThat(namespacesOf(scan, server.pid())).containsExactly(inode(b));
        assertThat(namespacesOf(scan, client.pid())).containsExactly(inode(a));
    }

    /** Namespaces are as many as a local user makes (unprivileged user namespaces): past the bound they are counted. */
    @Test
    void namespacesPastTheBoundAreCountedAndTheScanIsPartial() {
        Scan scan = new SocketScanner(Path.of("/proc"), Users.PASSWD, 1).scan();
        assertThat(scan.namespaces).hasSize(1);
        assertThat(scan.namespacesSkipped).isPositive();
        assertThat(scan.partial()).isTrue();
    }

    @Test
    void eachHostsOwnScanSeesTheCrossHostEdgeFromItsEnd() throws Exception {
        String onA = diagnostic(a);
        String onB = diagnostic(b);
        assertThat(onA).contains("planet_upstream [" + a.address() + ", , " + ports[0] + ", " + CLIENT + ", tcp, " + b.address() + ", ] 1")
                .contains("pod_connect_info [" + CLIENT + ", , , , " + b.address() + ", " + ports[4] + ", CLOSE_WAIT] 1")
                .doesNotContain(SERVER);
        assertThat(onB).contains("planet_downstream [" + b.address() + ", , " + ports[0] + ", " + SERVER + ", tcp, " + a.address() + ", ] 1")
                .contains("planet_server_process [" + b.addressV6() + ":" + ports[1] + ", " + ports[1] + ", " + SERVER + ", tcp] 1")
                .doesNotContain(CLIENT);
    }

    /** The scanner as an agent on {@code host} runs it: inside the host, its own namespace only. */
    private static String diagnostic(NetnsHost host) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = host.command(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ScanDiagnostic.class.getName(), "--scans", "1", "--warmup", "0", "--max-namespaces", "0", "--print")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The namespace inodes of the sockets {@code pid} owns in {@code scan}. */
    private static List<Long> namespacesOf(Scan scan, long pid) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < scan.sockets.size; i++) {
            ProcessInfo p = scan.owner(i);
            if (p != null && p.pid() == pid) {
                int ns = scan.sockets.netns[i];
                Long inode = ns == 0 ? Long.valueOf(-1) : scan.namespaces.get(ns - 1);
                if (!out.contains(inode)) {
                    out.add(inode);
                }
            }
        }
        return out;
    }

    private static long inode(NetnsHost host) throws Exception {
        return ((Number) Files.getAttribute(Path.of("/run/netns", host.name()), "unix:ino")).longValue();
    }

    private static Process start(NetnsHost host, String name, String... args) throws Exception {
        Process p = HostChildren.start(host, dir, name, args);
        children.add(p);
        return p;
    }
}
