package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.testing.DelayRelay;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.NetnsHost;
import io.aami.server.testing.NetnsLan;
import io.aami.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What fault scenario 4 runs on: a real config-server in this JVM (TLS on, its certificate naming the LAN address),
 * a {@link DelayRelay} on the test's own leg of a {@link NetnsLan} in front of it (zero delay until a fault sets
 * one), and the real agent as a child JVM inside a {@link NetnsHost}, enrolled over the LAN by the CA pin and
 * talking mutual TLS through the relay. A local program inside the host (bash and curl) posts results to the
 * agent's local API as fast as its rate limit allows; the results it was answered 202 for are the produced ones.
 * The agent's resident memory is sampled from {@code /proc/<pid>/status}.
 */
final class NetFaultRig implements AutoCloseable {
    /** The agent's local API inside its namespace (a namespace of its own: no port is taken there). */
    static final int API_PORT = 18469;
    /**
     * Five results per post, a post every 150 ms: about 33 a second, under the local API's 50. Each output carries 1 KB
     * after its name, so a batch spans several TCP segments (a fault can reorder the segments of one request).
     */
    private static final String POSTER = """
            i=0; pad=$(printf '%01000d' 0)
            while :; do
              ts=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ); body='{"results":['
              for k in 0 1 2 3 4; do
                [ $k -gt 0 ] && body+=','
                body+='{"check_id":"posted","status":"ok","output":"r-'$((i+k))' '$pad'","executed_at":"'$ts'"}'
              done
              code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json' \\
                --data-binary "$body]}" "http://127.0.0.1:$1/check-results")
              [ "$code" = 202 ] && echo "ok $i"
              i=$((i+5)); sleep 0.15
            done
            """;

    final NetnsLan lan;
    final NetnsHost host;
    final TestServer server;
    final DelayRelay relay;
    final Path log;
    final List<String> accepted = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    Process agent;

    private NetFaultRig(NetnsLan lan, TestServer server, DelayRelay relay, Path log) {
        this.lan = lan;
        this.host = lan.addHost();
        this.server = server;
        this.relay = relay;
        this.log = log;
    }

    /** The LAN, the server and the relay; {@code agentEnv} adds to or overrides the agent's settings. */
    static NetFaultRig start(Path dir, Map<String, String> agentEnv) throws Exception {
        NetnsLan lan = NetnsLan.create();
        TestServer server = null;
        try {
            server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_SERVER_NAMES", lan.rootAddress(),
                    "AAMI_HEARTBEAT_INTERVAL", "2s"));
            DelayRelay relay = new DelayRelay(new InetSocketAddress(lan.rootAddress(), 0),
                    new InetSocketAddress("127.0.0.1", server.port()), 4);
            NetFaultRig rig = new NetFaultRig(lan, server, relay, dir.resolve("agent.log"));
            rig.startAgent(dir, agentEnv);
            return rig;
        } catch (Exception | AssertionError e) {
            if (server != null) {
                server.close();
            }
            lan.close();
            throw e;
        }
    }

    private void startAgent(Path dir, Map<String, String> agentEnv) throws Exception {
        Fixtures.createCheck(server.api(), Fixtures.check("posted", "echo scheduled", 3600, Map.of("global", true)));
        String pin = "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate()));
        Map<String, String> env = new HashMap<>(TestAgentConfig.quick(TestAgentConfig.env(dir,
                lan.rootAddress() + ":" + relay.port(), Fixtures.bootstrapToken(server.api(), 1, Map.of()))));
        env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", pin);
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + API_PORT);
        env.putAll(agentEnv);
        env.values().removeIf(String::isEmpty); // an empty value: the agent's default
        agent = AgentChild.start(env, log, host.command().command());
        processes.add(agent);
        Process poster = host.command("bash", "-c", POSTER, "poster", String.valueOf(API_PORT))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(poster);
        Thread reader = new Thread(() -> readAccepted(poster), "poster-out");
        reader.setDaemon(true);
        reader.start();
        eventually(Duration.ofSeconds(90), "the agent takes results and delivers them",
                () -> !accepted().isEmpty() && !stored().isEmpty(), this::tail);
    }

    private void readAccepted(Process poster) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(poster.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ok ")) {
                    int first = Integer.parseInt(line.substring(3).trim());
                    synchronized (accepted) {
                        for (int k = 0; k < 5; k++) {
                            accepted.add("r-" + (first + k));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the poster was stopped
        }
    }

    /** How many times each posted result ({@code r-N}, its output's first word) is stored. */
    Map<String, Long> stored() {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = ChecksEndToEndTest.connect(server.database());
             PreparedStatement ps = c.prepareStatement("SELECT split_part(output, ' ', 1), count(*) FROM check_results "
                     + "WHERE output LIKE 'r-%' GROUP BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The results the agent answered 202 for so far, in the order it took them. */
    List<String> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** The agent's resident set (VmRSS) in KiB; fails the test when the agent is gone. */
    long rssKib() {
        assertThat(agent.isAlive()).as("the agent is still running").isTrue();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(agent.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("the agent's /proc status is unreadable: " + e);
        }
        throw new AssertionError("no VmRSS for the agent");
    }

    /** TCP segments queued out of order on arrival ({@code TcpExtTCPOFOQueue}), in the agent's host and in this one. */
    long outOfOrderSegments() throws IOException {
        return ofo(host.run("cat", "/proc/net/netstat")) + ofo(Files.readString(Path.of("/proc/net/netstat")));
    }

    private static long ofo(String netstat) {
        String[] lines = netstat.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                List<String> names = List.of(lines[i].split("\\s+"));
                String[] values = lines[i + 1].split("\\s+");
                int at = names.indexOf("TCPOFOQueue");
                return at < 0 ? 0 : Long.parseLong(values[at]);
            }
        }
        return 0;
    }

    String tail() {
        try {
            String s = Files.readString(log);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly(); // nothing is checked after this: no clean stop to wait for
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        relay.close();
        server.close();
        lan.close();
    }
}
