package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped units pass {@code systemd-analyze verify} without a single complaint (it exits 0 even for
 * an unknown directive or a bad value, so any output fails), and keep the settings the agent's sandbox
 * and the server's data directory depend on. CI installs systemd-analyze and sets AAMI_REQUIRE_TOOLS,
 * so this cannot be skipped there.
 */
class SystemdUnitsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"aami-agent", "aami-config-server"})
    void unitPassesSystemdAnalyzeVerify(String name) throws Exception {
        requireSystemdAnalyze();
        assertThat(verify(verifiable(name, unitText(name)))).isEmpty();
    }

    @Test
    void verifyComplainsAboutAMistypedDirective() throws Exception {
        requireSystemdAnalyze();
        String broken = unitText("aami-agent").replace("ProtectSystem=full", "ProtectSystem=fulll");
        assertThat(verify(verifiable("aami-agent", broken))).contains("fulll");
    }

    @Test
    void agentUnitStartsTheLauncherAndKeepsWhatRunningChecksAsAnotherUserNeeds() throws Exception {
        List<String> lines = directives("aami-agent");
        assertThat(lines).contains("ExecStart=/usr/bin/aami-agent --config /etc/aami/agent.yaml", "Delegate=yes",
                "KillMode=mixed", "ProtectSystem=full", "ReadWritePaths=/etc/aami", "RestartPreventExitStatus=2",
                "SuccessExitStatus=143");
        // Inherited by every check: each would break set-uid plugins, cgroups or the checks' view of the host.
        assertThat(lines).noneMatch(l -> l.startsWith("NoNewPrivileges=") || l.startsWith("CapabilityBoundingSet=")
                || l.startsWith("ProtectControlGroups=") || l.startsWith("SystemCallFilter=")
                || l.startsWith("RestrictAddressFamilies=") || l.startsWith("PrivateTmp=") || l.startsWith("User="));
        // Above the agent's own shutdown: 5 s for its loops plus 15 s for running checks to be reaped.
        assertThat(timeoutStop(lines)).isGreaterThanOrEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void serverUnitRunsAsItsOwnUserWithItsStateDirectoryAndFullHardening() throws Exception {
        List<String> lines = directives("aami-config-server");
        assertThat(lines).contains("ExecStart=/usr/bin/aami-config-server --config /etc/aami/config-server.yaml",
                "User=aami-server", "StateDirectory=aami-config-server", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "CapabilityBoundingSet=", "SystemCallFilter=@system-service", "KillMode=mixed",
                "RestartPreventExitStatus=2");
        // Not the agent's checks.run_as default: checks must not run as the owner of the CA key.
        assertThat(lines).doesNotContain("User=aami");
        // Above the embedded PostgreSQL's fast shutdown and its escalation (30 s + 5 s + 5 s).
        assertThat(timeoutStop(lines)).isGreaterThan(Duration.ofSeconds(40));
        assertThat(Files.readString(dist("config-server.yaml"))).contains("data_dir: \"/var/lib/aami-config-server\"");
    }

    static Path dist(String file) {
        return Path.of(System.getProperty("aami.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("install/src/main/dist").resolve(file);
    }

    static String unitText(String name) throws IOException {
        return Files.readString(dist(name + ".service"));
    }

    /** The unit's directives, comments and blank lines left out. */
    static List<String> directives(String name) throws IOException {
        return unitText(name).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static Duration timeoutStop(List<String> directives) {
        Matcher m = directives.stream().map(Pattern.compile("TimeoutStopSec=(\\d+)")::matcher).filter(Matcher::matches)
                .findFirst().orElseThrow(() -> new AssertionError("no TimeoutStopSec"));
        return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }

    /**
     * A copy under the unit's own name whose ExecStart names the shipped launcher in the checkout:
     * verify insists that the binary exists, and {@code --root} does not find units outside a full tree.
     */
    private Path verifiable(String name, String text) throws IOException {
        String execStart = "ExecStart=/usr/bin/" + name + " ";
        assertThat(text).contains(execStart);
        Path launcher = dist(name);
        assertThat(launcher).isExecutable();
        Path unit = dir.resolve(name + ".service");
        Files.writeString(unit, text.replace(execStart, "ExecStart=" + launcher + " "));
        return unit;
    }

    private static String verify(Path unit) throws Exception {
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze verify finished").isTrue();
        assertThat(p.exitValue()).as("systemd-analyze verify said: " + out).isZero();
        return out.strip();
    }

    private static void requireSystemdAnalyze() {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "systemd-analyze")));
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as("systemd-analyze on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "systemd-analyze not installed (Debian package systemd)");
    }
}
