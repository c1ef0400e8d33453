package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.metrics.AgentMetrics;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan on real sockets of a real child process ({@link SocketChild}, a JVM started through a link named
 * {@value #NAME}, which becomes its process name): TCP and UDP listeners on IPv4 and IPv6, a connection out, a
 * connection in on each family, a connected UDP socket, and a client left in CLOSE_WAIT (the server side closed,
 * the child never does).
 */
class DiscoveryScanTest {
    static final String NAME = "aami-sockchild";

    @TempDir
    static Path dir;
    static Process child;
    static final List<AutoCloseable> held = new ArrayList<>();
    static ServerSocket keeper;
    static ServerSocket closer;
    static DatagramSocket udpPeer;
    static int tcp4;
    static int tcp6;
    static int udp4;
    static int udp6;

    @BeforeAll
    static void startChild() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        keeper = new ServerSocket(0, 50, v4);
        closer = new ServerSocket(0, 50, v4);
        udpPeer = new DatagramSocket(new InetSocketAddress(v4, 0));
        Thread accepts = new Thread(() -> {
            try {
                Socket kept = keeper.accept();
                held.add(kept);
                closer.accept().close(); // the child's end goes to CLOSE_WAIT
            } catch (Exception e) {
                // closed at the end
            }
        });
        accepts.setDaemon(true);
        accepts.start();
        child = SocketChildren.start(dir, NAME, SocketChild.class, List.of(Integer.toString(keeper.getLocalPort()),
                Integer.toString(closer.getLocalPort()), Integer.toString(udpPeer.getLocalPort())));
        String[] ready = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine()
                .split(" ");
        tcp4 = Integer.parseInt(ready[1]);
        tcp6 = Integer.parseInt(ready[2]);
        udp4 = Integer.parseInt(ready[3]);
        udp6 = Integer.parseInt(ready[4]);
        held.add(new Socket(v4, tcp4));
        held.add(new Socket(InetAddress.getByName("::1"), tcp6));
    }

    @AfterAll
    static void stopChild() throws Exception {
        child.getOutputStream().close();
        child.destroy();
        for (AutoCloseable c : held) {
            c.close();
        }
        keeper.close();
        closer.close();
        udpPeer.close();
    }

    @Test
    void scanFindsServicesDependenciesAndStatesOfAChildProcess() throws Exception {
        Derivation derivation = new Derivation(50, 200);
        SocketScanner scanner = new SocketScanner(Path.of("/proc"), Users.PASSWD);
        DiscoveryView view = awaitView(scanner, derivation, v -> v.connections().stream().anyMatch(r -> r.labels().get(0).equals(NAME)
                && r.labels().get(6).equals("CLOSE_WAIT")) && v.downstream().stream().filter(r -> r.labels().get(3).equals(NAME)).count() == 2);
        assertThat(rows(view.servers(), NAME, 2)).containsExactlyInAnyOrder(
                List.of("127.0.0.1:" + tcp4, "" + tcp4, NAME, "tcp"), List.of("::1:" + tcp6, "" + tcp6, NAME, "tcp"),
                List.of("127.0.0.1:" + udp4, "" + udp4, NAME, "udp"), List.of("::1:" + udp6, "" + udp6, NAME, "udp"));
        assertThat(rows(view.upstream(), NAME, 3)).containsExactlyInAnyOrder(
                List.of("127.0.0.1", "", "" + keeper.getLocalPort(), NAME, "tcp", "127.0.0.1", ""),
                List.of("127.0.0.1", "", "" + closer.getLocalPort(), NAME, "tcp", "127.0.0.1", ""),
                List.of("127.0.0.1", "", "" + udpPeer.getLocalPort(), NAME, "udp", "127.0.0.1", ""));
        assertThat(rows(view.downstream(), NAME, 3)).containsExactlyInAnyOrder(
                List.of("127.0.0.1", "", "" + tcp4, NAME, "tcp", "127.0.0.1", ""),
                List.of("::1", "", "" + tcp6, NAME, "tcp", "::1", ""));
        assertThat(view.connections().stream().filter(r -> r.labels().get(0).equals(NAME))
                .map(r -> r.labels().subList(3, 7) + "=" + r.value()).toList()).containsExactlyInAnyOrder(
                "[, 127.0.0.1, " + keeper.getLocalPort() + ", ESTABLISHED]=1",
                "[, 127.0.0.1, " + closer.getLocalPort() + ", CLOSE_WAIT]=1",
                "[" + tcp4 + ", 127.0.0.1, , ESTABLISHED]=1",
                "[" + tcp6 + ", ::1, , ESTABLISHED]=1");
        Scan scan = scanner.scan();
        ProcessInfo p = scan.processes.stream().filter(x -> x.name().equals(NAME)).findFirst().orElseThrow();
        assertThat(p.pid()).isEqualTo(child.pid());
        assertThat(p.exe()).endsWith("/java");
        assertThat(p.user()).isEqualTo("root".equals(System.getProperty("user.name")) ? "root" : System.getProperty("user.name"));
        assertThat(view.seen().partial()).as("root sees every process").isEqualTo(!"root".equals(System.getProperty("user.name")));
    }

    /** The agent's own connections out are the monitoring's, not the host's: no upstream rows; the rest stays. */
    @Test
    void theAgentsOwnConnectionsOutAreNotUpstream() throws Exception {
        SocketScanner scanner = new SocketScanner(Path.of("/proc"), Users.PASSWD);
        // The child plays the agent: its three connections out leave upstream, its listeners and states stay.
        DiscoveryView view = awaitView(scanner, new Derivation(50, 200, child.pid()), v -> v.connections().stream()
                .anyMatch(r -> r.labels().get(0).equals(NAME) && r.labels().get(6).equals("CLOSE_WAIT"))
                && v.downstream().stream().filter(r -> r.labels().get(3).equals(NAME)).count() == 2);
        assertThat(view.upstream().stream().filter(r -> r.labels().get(3).equals(NAME))).isEmpty();
        assertThat(rows(view.servers(), NAME, 2)).hasSize(4);
        assertThat(view.connections().stream().filter(r -> r.labels().get(0).equals(NAME))).hasSize(4);
        assertThat(DiscoveryFeature.ownPid(Path.of("/proc"))).isEqualTo(ProcessHandle.current().pid());
        assertThat(DiscoveryFeature.ownPid(Path.of("/host/proc"))).as("another pid namespace's numbers").isEqualTo(-1);
    }

    @Test
    void metricsShowTheScanUnderTheSeedsNames() throws Exception {
        AgentMetrics agent = new AgentMetrics();
        DiscoveryMetrics metrics = new DiscoveryMetrics(agent.registry());
        DiscoveryLoop loop = new DiscoveryLoop(new SocketScanner(Path.of("/proc"), Users.PASSWD), new Derivation(50, 200), metrics,
                java.time.Duration.ofSeconds(30), new io.aami.agent.util.StopSignal(), java.time.Clock.systemUTC());
        String text = "";
        for (int i = 0; i < 50 && !text.contains("CLOSE_WAIT"); i++) {
            loop.scanOnce();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            agent.write(out);
            text = out.toString(StandardCharsets.UTF_8);
            Thread.sleep(100);
        }
        assertThat(text).contains("planet_server_process{bind=\"127.0.0.1:" + tcp4 + "\",port=\"" + tcp4 + "\",process_name=\"" + NAME
                + "\",protocol=\"tcp\"} 1");
        assertThat(text).contains("planet_upstream{local_address=\"127.0.0.1\",local_hostgroup=\"\",port=\"" + keeper.getLocalPort()
                + "\",process_name=\"" + NAME + "\",protocol=\"tcp\",remote_address=\"127.0.0.1\",remote_hostgroup=\"\"} 1");
        assertThat(text).contains("planet_downstream{local_address=\"::1\",local_hostgroup=\"\",port=\"" + tcp6 + "\",process_name=\""
                + NAME + "\",protocol=\"tcp\",remote_address=\"::1\",remote_hostgroup=\"\"} 1");
        assertThat(text).contains("pod_connect_info{container=\"\",local_port=\"\",pod_uid=\"\",process_name=\"" + NAME
                + "\",remote_addr=\"127.0.0.1\",remote_port=\"" + closer.getLocalPort() + "\",status=\"CLOSE_WAIT\"} 1");
        assertThat(text).contains("aami_agent_discovery_scans_total{result=\"ok\"}", "aami_agent_discovery_partial ", "aami_agent_discovery_sockets{protocol=\"udp\"}");
    }

    /** The rows of {@code name} (at label {@code nameAt}). */
    static List<List<String>> rows(List<DiscoveryView.Row> rows, String name, int nameAt) {
        return rows.stream().filter(r -> r.labels().get(nameAt).equals(name)).map(DiscoveryView.Row::labels).toList();
    }

    static DiscoveryView awaitView(SocketScanner scanner, Derivation derivation, Predicate<DiscoveryView> done) throws InterruptedException {
        DiscoveryView view = derivation.derive(scanner.scan());
        for (int i = 0; i < 50 && !done.test(view); i++) {
            Thread.sleep(100);
            view = derivation.derive(scanner.scan());
        }
        return view;
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
