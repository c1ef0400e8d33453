package io.aami.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the two HTTP peers of {@code probes}: the real agent, through the shipped launcher (so with its JVM
 * flags: heap, SerialGC, C1 only, TCP_NODELAY) and a local API token, needing no server (it keeps trying to
 * enroll with an address nobody answers, which costs nothing between backoffs); and blackbox_exporter with
 * a {@code tcp_connect} module of its own.
 */
final class ProbePeers {
    static final Duration START_PATIENCE = Duration.ofSeconds(60);

    private ProbePeers() {
    }

    /** The agent on {@code 127.0.0.1:port}, state under {@code dir}; {@code javaOpts} (may be empty) after the launcher's flags. */
    static ChildProcess agent(ProbesOptions o, Path dir, int port, String token) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // checks.run_as must enter it
        Path defaults = Files.writeString(dir.resolve("agent-defaults"), "# none: only the launcher's own flags\n");
        Map<String, String> env = new HashMap<>();
        env.put("AAMI_DEFAULTS_FILE", defaults.toString());
        env.put("AAMI_JAR", o.agentJar().toAbsolutePath().toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("AAMI_CDS_ARCHIVE", ""); // no class archive in the host's /var/lib/aami
        if (!o.agentJavaOpts().isBlank()) {
            env.put("JAVA_OPTS", o.agentJavaOpts());
        }
        env.put("AAMI_SERVER_ADDRESS", "127.0.0.1:1"); // nobody there: probes need no server
        env.put("AAMI_SERVER_BOOTSTRAP_TOKEN", "unused-no-server");
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        env.put("AAMI_SERVER_RETRY_MAX_INTERVAL", "2m");
        env.put("AAMI_AGENT_ID_FILE", dir.resolve("agent-id").toString());
        env.put("AAMI_AGENT_STATE_DIR", dir.resolve("state").toString());
        env.put("AAMI_CHECKS_RUN_AS", "nobody");
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + port);
        env.put("AAMI_API_TOKEN", token);
        env.put("AAMI_LOGGING_LEVEL", "warn");
        env.put("AAMI_LOGGING_FORMAT", "text");
        ChildProcess agent = ChildProcess.start("the agent", List.of("sh", o.launcher().toAbsolutePath().toString()), env,
                dir.resolve("agent.log"));
        try {
            agent.awaitHttp(port, "/healthz", token, START_PATIENCE);
            return agent;
        } catch (IOException | InterruptedException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** blackbox_exporter on {@code 127.0.0.1:port} with module {@code tcp_connect} (IPv4, 2 s timeout). */
    static ChildProcess blackbox(ProbesOptions o, Path dir, int port) throws IOException, InterruptedException {
        Path config = Files.writeString(dir.resolve("blackbox.yml"), """
                modules:
                  tcp_connect:
                    prober: tcp
                    timeout: 2s
                    tcp:
                      preferred_ip_protocol: ip4
                      ip_protocol_fallback: false
                """, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(o.blackbox(), "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        ChildProcess blackbox = ChildProcess.start("blackbox_exporter", cmd, Map.of(), dir.resolve("blackbox.log"));
        try {
            blackbox.awaitHttp(port, "/-/healthy", null, START_PATIENCE);
            return blackbox;
        } catch (IOException | InterruptedException | RuntimeException e) {
            blackbox.close();
            throw e;
        }
    }

    /** {@code blackbox --version}'s first line, e.g. "blackbox_exporter, version 0.23.0 (...)". */
    static String blackboxVersion(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor();
            return first.trim();
        } catch (IOException e) {
            return binary;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binary;
        }
    }
}
