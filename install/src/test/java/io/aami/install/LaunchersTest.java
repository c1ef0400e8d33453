package io.aami.install;

import static io.aami.install.Waits.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.install.LauncherRuns.JAVA_HOME;
import static io.aami.install.LauncherRuns.PROBE;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launchers the units start: Java found through JAVA_HOME, else PATH; anything older than 17
 * refused with a message saying what to do (exit 2, on which the units do not restart); the JVM flags
 * from the defaults file after the built-in ones; and {@code exec}, so the process systemd started is the
 * JVM and SIGTERM stops it within the unit's TimeoutStopSec.
 */
class LaunchersTest {

    @TempDir
    Path dir;
    private LauncherRuns runs;

    @BeforeEach
    void runs() {
        runs = new LauncherRuns(dir);
    }

    @ParameterizedTest
    @CsvSource({"aami-agent, 11.0.22, 11", "aami-agent, 1.8.0_392, 8", "aami-config-server, 16.0.2, 16"})
    void javaOlderThan17OnPathIsRefusedWithAClearMessage(String launcher, String version, String major) throws Exception {
        Path fake = runs.fakeJava(version);
        LauncherRuns.Run run = runs.run(launcher, Map.of("PATH", fake.getParent() + ":/usr/bin:/bin"), "--config", "/etc/aami/x.yaml");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.output).contains(launcher + ": Java 17 or newer is required, but " + fake + " is Java " + major
                + " (" + version + ")").contains("JAVA_HOME");
        assertThat(Files.readString(dir.resolve("java-calls")))
                .isEqualTo(launcher.equals("aami-agent") ? PROBE + "-XX:TrimNativeHeapInterval=5000 -version\n" : "-version\n");
    }

    @Test
    void javaHomeWinsOverPathAndABrokenOneIsNamed() throws Exception {
        Path old = runs.fakeJava("11.0.1");
        LauncherRuns.Run run = runs.run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "JAVA_HOME", JAVA_HOME.toString(),
                "AAMI_JAR", JavaProcess.jar("aami.agent.jar").toString()), "--help");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).contains("usage:");

        LauncherRuns.Run broken = runs.run("aami-agent", Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()));
        assertThat(broken.exit).isEqualTo(2);
        assertThat(broken.output).contains("JAVA_HOME is " + dir.resolve("no-jdk") + " but " + dir.resolve("no-jdk/bin/java")
                + " is not an executable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aami-agent", "aami-config-server"})
    void noJavaAtAllAndAMissingJarAreNamed(String launcher) throws Exception {
        LauncherRuns.Run none = runs.run(launcher, Map.of("PATH", dir.resolve("empty").toString()));
        assertThat(none.exit).isEqualTo(2);
        assertThat(none.output).contains(launcher + ": no java found: install Java 17 or newer");

        LauncherRuns.Run noJar = runs.run(launcher, Map.of("JAVA_HOME", JAVA_HOME.toString(), "AAMI_JAR", dir.resolve("gone.jar").toString()));
        assertThat(noJar.exit).isEqualTo(2);
        assertThat(noJar.output).contains("cannot read the jar " + dir.resolve("gone.jar"));
    }

    @Test
    void flagsFromTheDefaultsFileComeAfterTheBuiltInOnesAndTheLauncherSettingsStayBehind() throws Exception {
        Path fake = runs.fakeJava("17.0.9");
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path defaults = Files.writeString(dir.resolve("aami-agent.default"),
                "JAVA_OPTS=\"-Xmx256m -Dfrom.defaults=yes\"\nAAMI_JAR=" + jar + "\nAAMI_LOGGING_LEVEL=debug\n");
        LauncherRuns.Run run = runs.run("aami-agent", Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE", defaults.toString()),
                "--config", "/etc/aami/agent.yaml");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(Files.readString(dir.resolve("java-calls"))).isEqualTo(PROBE + "-XX:TrimNativeHeapInterval=5000 -version\n"
                + "-Xms8m -Xmx64m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
                + " -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError"
                + " -Dsun.net.httpserver.nodelay=true -XX:TrimNativeHeapInterval=5000 -Xmx256m -Dfrom.defaults=yes -jar " + jar
                + " --config /etc/aami/agent.yaml\n");
        // What the JVM's environment holds: the settings from the file, not the launcher's own variables.
        assertThat(Files.readString(dir.resolve("java-env"))).contains("AAMI_LOGGING_LEVEL=debug")
                .doesNotContain("AAMI_JAR").doesNotContain("AAMI_DEFAULTS_FILE").containsPattern("(?m)^MALLOC_ARENA_MAX=2$");
        // An operator's MALLOC_ARENA_MAX (defaults file, unit drop-in) wins over the launcher's.
        Files.writeString(defaults, "MALLOC_ARENA_MAX=4\nAAMI_JAR=" + jar + "\n");
        assertThat(runs.run("aami-agent", Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE",
                defaults.toString())).exit).isZero();
        assertThat(Files.readString(dir.resolve("java-env"))).containsPattern("(?m)^MALLOC_ARENA_MAX=4$");

        LauncherRuns.Run missing = runs.run("aami-agent", Map.of("AAMI_DEFAULTS_FILE", dir.resolve("nope").toString()));
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.output).contains("cannot read AAMI_DEFAULTS_FILE " + dir.resolve("nope"));
    }

    @Test
    void serverHeapIsBoundedByDefaultSizedByAamiServerHeapAndABadSizeIsNamed() throws Exception {
        Path fake = runs.fakeJava("17.0.9");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        Path defaults = Files.writeString(dir.resolve("aami-config-server.default"), "AAMI_JAR=" + jar + "\n");
        Map<String, String> env = Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE", defaults.toString());
        LauncherRuns.Run run = runs.run("aami-config-server", env, "routes");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(Files.readString(dir.resolve("java-calls"))).isEqualTo("-version\n"
                + "-Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=100 -XX:+ExitOnOutOfMemoryError -jar " + jar + " routes\n");

        Files.writeString(defaults, "AAMI_SERVER_HEAP=1536m\nJAVA_OPTS=\"-Dfrom.defaults=yes\"\nAAMI_JAR=" + jar + "\n");
        assertThat(runs.run("aami-config-server", env).exit).isZero();
        assertThat(Files.readString(dir.resolve("java-calls"))).endsWith("-Xmx1536m -XX:+UseG1GC -XX:MaxGCPauseMillis=100"
                + " -XX:+ExitOnOutOfMemoryError -Dfrom.defaults=yes -jar " + jar + "\n");
        // The launcher's own setting stays behind: the server would warn about an unknown AAMI_* key.
        assertThat(Files.readString(dir.resolve("java-env"))).doesNotContain("AAMI_SERVER_HEAP");

        for (String bad : new String[] {"2", "1gb", "g", "1g -Dx=y", "-1g"}) {
            Files.writeString(defaults, "AAMI_SERVER_HEAP='" + bad + "'\nAAMI_JAR=" + jar + "\n");
            LauncherRuns.Run refused = runs.run("aami-config-server", env);
            assertThat(refused.exit).as(bad).isEqualTo(2);
            assertThat(refused.output).contains("AAMI_SERVER_HEAP must be a heap size such as 1g or 1536m, not '" + bad + "'");
        }
    }

    @Test
    void configServerLauncherRunsTheRealJar() throws Exception {
        LauncherRuns.Run routes = runs.run("aami-config-server", Map.of("JAVA_HOME", JAVA_HOME.toString(),
                "AAMI_JAR", JavaProcess.jar("aami.server.jar").toString()), "routes");
        assertThat(routes.exit).as(routes.output).isZero();
        assertThat(routes.output).contains("/api/v1/targets").contains("/api/v1/agents/{id}/check-results");
    }

    @Test
    void serverAndAgentRunThroughTheirLaunchersAsTheJvmItselfAndStopInTimeOnSigterm() throws Exception {
        int port = Waits.freePort();
        Map<String, String> serverEnv = new HashMap<>(TestServer.environment(Map.of("AAMI_LISTEN", "127.0.0.1:" + port),
                TestDatabase.fresh()));
        serverEnv.putAll(launcherEnv("aami.server.jar", "-Dlauncher.test=server"));
        Api api = new Api("http://127.0.0.1:" + port);
        // The shipped config file, its data_dir and listen overridden by the environment as documented.
        try (JavaProcess server = JavaProcess.command(List.of(SystemdUnitsTest.dist("aami-config-server").toString(),
                "--config", SystemdUnitsTest.dist("config-server.yaml").toString()), serverEnv, dir.resolve("server.log"), null)) {
            eventually(Duration.ofSeconds(60), "server ready", () -> api.get("/ready", null).status() == 200, server::output);
            assertRunsAsJvm(server, "-XX:+ExitOnOutOfMemoryError", "-Dlauncher.test=server");
            String token = api.post("/api/v1/bootstrap-tokens", Map.of("name", "launcher", "max_uses", 1), ADMIN).json()
                    .get("token").asText();

            Path config = agentConfig(port, token);
            try (JavaProcess agent = JavaProcess.command(List.of(SystemdUnitsTest.dist("aami-agent").toString(), "--config",
                    config.toString()), launcherEnv("aami.agent.jar", "-Dlauncher.test=agent"), dir.resolve("agent.log"), null)) {
                eventually(Duration.ofSeconds(30), "agent id file", () -> Files.exists(dir.resolve("agent-id")), agent::output);
                UUID id = UUID.fromString(Files.readString(dir.resolve("agent-id")).trim());
                eventually(Duration.ofSeconds(30), "agent online",
                        () -> api.get("/api/v1/targets/" + id, ADMIN).json().path("status").asText().equals("online"),
                        () -> server.output() + agent.output());
                assertRunsAsJvm(agent, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlauncher.test=agent");
                assertThat(agent.terminate(SystemdUnitsTest.timeoutStop(SystemdUnitsTest.directives("aami-agent"))))
                        .isIn(0, 143);
            }
            assertThat(server.terminate(SystemdUnitsTest.timeoutStop(SystemdUnitsTest.directives("aami-config-server"))))
                    .isIn(0, 143);
        }
    }

    /** The pid the launcher was started as is the JVM (exec), with the built-in and the file's flags. */
    private static void assertRunsAsJvm(JavaProcess p, String... flags) throws Exception {
        Path exe = Path.of("/proc", Long.toString(p.pid()), "exe").toRealPath();
        assertThat(exe).isEqualTo(JAVA_HOME.resolve("bin/java").toRealPath());
        String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        assertThat(cmdline).contains(flags).contains(" -jar ");
    }

    private Map<String, String> launcherEnv(String jarProperty, String javaOpts) throws Exception {
        Path defaults = dir.resolve(jarProperty + ".default");
        Files.writeString(defaults, "JAVA_HOME=" + JAVA_HOME + "\nJAVA_OPTS=\"" + javaOpts + "\"\nAAMI_JAR="
                + JavaProcess.jar(jarProperty) + "\nAAMI_CDS_ARCHIVE=\n");
        return Map.of("AAMI_DEFAULTS_FILE", defaults.toString());
    }

    private Path agentConfig(int port, String token) throws Exception {
        return LocalAgentConfig.write(dir, port, token);
    }
}
