package io.aami.agent;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.common.logging.LogSetup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code aami-agent --train}: one short first life of a real agent, so that the launcher records the AppCDS archive
 * from the classes a running agent loads (issue 14: "built at package time"). The packages run it from their
 * post-install script and {@code install-agent.sh} before the first start, so the agent's first life maps its classes
 * already, and an upgrade's new jar gets its archive before it starts (the archive must come from the host's own
 * Java, so it cannot be built on the build host).
 *
 * <p>The agent goes the whole way of a first life against a stand-in config-server ({@link TrainingStandIn}, a process
 * of its own so that its classes stay out of the archive): it enrolls (key, CSR, TLS), heartbeats and polls over mutual TLS,
 * verifies a signed policy of one shell check and one TCP probe, runs the check in its sandbox as {@code nobody}, makes
 * the probe, delivers the results, takes calls on its local API, and stops as on SIGTERM: as soon as the stand-in has
 * seen every kind of request, at most after {@link #LIFE}.
 *
 * <p>What it touches: a temporary directory (0711, its state 0700, its config 0600) for the agent's state, spool,
 * scripts and config, deleted at the end, in {@code /run} as root (the agent refuses a scripts directory below
 * {@code /tmp}); loopback only (the stand-in on a free port, the local API with a random token on another); TCP probes
 * only (the other probers load when a policy first uses them). It never
 * reads {@code /etc/aami} or {@code AAMI_*} variables and never writes {@code /var/lib/aami} (the JVM writes the archive
 * at exit, where the launcher says). Exit status 0 when the agent enrolled, 1 if not.
 */
final class Training {
    /** The longest the training agent lives; it stops as soon as the stand-in has seen every kind of request. */
    static final Duration LIFE = Duration.ofSeconds(30);
    private static final Set<String> EXPECTED = Set.of(TrainingAnswers.REGISTER, TrainingAnswers.HEARTBEAT, TrainingAnswers.POLICY,
            TrainingAnswers.CHECK_RESULTS, TrainingAnswers.PROBE_RESULTS);

    private Training() {
    }

    /** Runs the training life; the exit status. */
    static int run(PrintStream out, PrintStream err) {
        LogSetup.configure("error", "text");
        Path dir = null;
        try {
            int apiPort = freeLoopbackPort();
            try (StandInProcess standIn = StandInProcess.start(apiPort)) {
                dir = TrainingDirectory.create();
                String apiToken = randomToken();
                return live(config(dir, standIn, apiPort, apiToken), standIn, new LocalCalls(apiPort, apiToken), out, err);
            }
        } catch (IOException | RuntimeException e) {
            // Anything the agent refuses to start with (a missing "nobody", an unusable /run) ends here, not in a trace.
            err.println("aami-agent: training failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("aami-agent: training interrupted");
            return 1;
        } finally {
            TrainingDirectory.deleteQuietly(dir);
        }
    }

    /** The agent's life: started, driven through its local API until the stand-in has seen it all (or the time is up), stopped. */
    private static int live(AgentConfig cfg, StandInProcess answers, LocalCalls calls, PrintStream out, PrintStream err)
            throws InterruptedException {
        Instant started = Instant.now();
        try (Agent agent = AgentMain.start(cfg, UUID.randomUUID(), Clock.systemUTC())) {
            calls.exercise();
            long deadline = System.nanoTime() + LIFE.toNanos();
            while (!answers.answered().containsAll(EXPECTED) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            calls.exercise();
            Set<String> reached = answers.answered();
            if (!reached.contains(TrainingAnswers.REGISTER)) {
                err.println("aami-agent: training: the agent did not enroll with the stand-in server within " + LIFE.toSeconds() + " s");
                return 1;
            }
            Set<String> missing = new TreeSet<>(EXPECTED);
            missing.removeAll(reached);
            out.println("aami-agent: training run done in " + Duration.between(started, Instant.now()).toMillis() + " ms: enrolled"
                    + (missing.isEmpty() ? ", heartbeat, policy, check and probe results" : "; not reached: " + missing)
                    + "; local API answered " + calls.answered() + " calls");
            return 0;
        }
    }

    /**
     * The agent's config, from a file as an installed agent's is (the YAML reader is on the path to record too),
     * with every path in {@code dir} and no environment: the host's {@code AAMI_*} settings do not apply here.
     */
    private static AgentConfig config(Path dir, StandInProcess standIn, int apiPort, String apiToken) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), standIn.caPem());
        Path state = Files.createDirectory(dir.resolve("state"));
        String yaml = String.join("\n",
                "server:",
                "  address: \"localhost:" + standIn.port() + "\"",
                "  bootstrap_token: \"aami-training-token\"",
                "  tls:",
                "    ca_cert: \"" + ca + "\"",
                "agent:",
                "  id_file: \"" + dir.resolve("agent-id") + "\"",
                "  state_dir: \"" + state + "\"",
                "heartbeat:",
                "  interval: 2s",
                "checks:",
                "  run_as: nobody",
                "  work_dir: \"" + dir.resolve("checks") + "\"",
                "  containment: rlimit",
                "  flush_interval: 500ms",
                "api:",
                "  listen: \"127.0.0.1:" + apiPort + "\"",
                "  token: \"" + apiToken + "\"",
                "logging:",
                "  level: error",
                "");
        // 0600: it holds the local API's token (others may find the directory's name in /run).
        Path file = Files.writeString(Files.createFile(dir.resolve("agent.yaml"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), yaml);
        return AgentConfigLoader.loadWithWarnings(file, Map.of()).config();
    }

    /** The training agent's local API token: no other local user may use its API (it probes as root) while it lives. */
    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The calls a local program, Prometheus and a probe scheduler make to the agent's local API, over a plain socket: a
     * JDK {@code HttpClient} here would load its default TLS context and the JDK's trust store, which no agent uses.
     */
    private static final class LocalCalls {
        private final int apiPort;
        private final String token;
        private int answered;

        LocalCalls(int apiPort, String token) {
            this.apiPort = apiPort;
            this.token = token;
        }

        /** TCP probes only: the other probers' classes load when a policy first uses them, not in every agent. */
        void exercise() {
            String now = Instant.now().toString();
            String probe = "\"source_ip\":\"127.0.0.1\",\"target_ip\":\"127.0.0.1\",\"target_port\":" + apiPort
                    + ",\"protocol\":\"TCP\",\"timeout_ms\":2000}";
            call("POST", "/check-results",
                    "{\"results\":[{\"check_id\":\"training\",\"status\":\"ok\",\"output\":\"ok\",\"executed_at\":\"" + now + "\"}]}");
            call("POST", "/run_tasks", "[{\"task_id\":\"t1\"," + probe + "]");
            call("POST", "/probe_json", "{\"task_id\":\"t2\"," + probe);
            call("GET", "/probe?source_ip=127.0.0.1&target_ip=127.0.0.1&target_port=" + apiPort + "&protocol=TCP&timeout_ms=2000", null);
            call("GET", "/metrics", null);
            call("GET", "/healthz", null);
        }

        int answered() {
            return answered;
        }

        private void call(String method, String target, String json) {
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + apiPort + "\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n" + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    + "\r\n";
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), apiPort)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                if (s.getInputStream().readAllBytes().length > 0) {
                    answered++;
                }
            } catch (IOException e) {
                // a call that fails still loaded what it reached; the count says how many were answered
            }
        }
    }
}
