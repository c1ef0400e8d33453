package io.aami.install;

import static io.aami.install.Waits.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    /** What the agent launcher puts before the flags it tries with -version: a crashing probe leaves no files. */
    private static final String PROBE = "-XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash ";

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"aami-agent, 11.0.22, 11", "aami-agent, 1.8.0_392, 8", "aami-config-server, 16.0.2, 16"})
    void javaOlderThan17OnPathIsRefusedWithAClearMessage(String launcher, String version, String major) throws Exception {
        Path fake = fakeJava(version);
        Run run = run(launcher, Map.of("PATH", fake.getParent() + ":/usr/bin:/bin"), "--config", "/etc/aami/x.yaml");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.output).contains(launcher + ": Java 17 or newer is required, but " + fake + " is Java " + major
                + " (" + version + ")").contains("JAVA_HOME");
        assertThat(Files.readString(dir.resolve("java-calls")))
                .isEqualTo(launcher.equals("aami-agent") ? PROBE + "-XX:TrimNativeHeapInterval=5000 -version\n" : "-version\n");
    }

    @Test
    void javaHomeWinsOverPathAndABrokenOneIsNamed() throws Exception {
        Path old = fakeJava("11.0.1");
        Run run = run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "JAVA_HOME", JAVA_HOME.toString(),
                "AAMI_JAR", JavaProcess.jar("aami.agent.jar").toString()), "--help");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).contains("usage:");

        Run broken = run("aami-agent", Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()));
        assertThat(broken.exit).isEqualTo(2);
        assertThat(broken.output).contains("JAVA_HOME is " + dir.resolve("no-jdk") + " but " + dir.resolve("no-jdk/bin/java")
                + " is not an executable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aami-agent", "aami-config-server"})
    void noJavaAtAllAndAMissingJarAreNamed(String launcher) throws Exception {
        Run none = run(launcher, Map.of("PATH", dir.resolve("empty").toString()));
        assertThat(none.exit).isEqualTo(2);
        assertThat(none.output).contains(launcher + ": no java found: install Java 17 or newer");

        Run noJar = run(launcher, Map.of("JAVA_HOME", JAVA_HOME.toString(), "AAMI_JAR", dir.resolve("gone.jar").toString()));
        assertThat(noJar.exit).isEqualTo(2);
        assertThat(noJar.output).contains("cannot read the jar " + dir.resolve("gone.jar"));
    }

    @Test
    void flagsFromTheDefaultsFileComeAfterTheBuiltInOnesAndTheLauncherSettingsStayBehind() throws Exception {
        Path fake = fakeJava("17.0.9");
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path defaults = Files.writeString(dir.resolve("aami-agent.default"),
                "JAVA_OPTS=\"-Xmx256m -Dfrom.defaults=yes\"\nAAMI_JAR=" + jar + "\nAAMI_LOGGING_LEVEL=debug\n");
        Run run = run("aami-agent", Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE", defaults.toString()),
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
        assertThat(run("aami-agent", Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE",
                defaults.toString())).exit).isZero();
        assertThat(Files.readString(dir.resolve("java-env"))).containsPattern("(?m)^MALLOC_ARENA_MAX=4$");

        Run missing = run("aami-agent", Map.of("AAMI_DEFAULTS_FILE", dir.resolve("nope").toString()));
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.output).contains("cannot read AAMI_DEFAULTS_FILE " + dir.resolve("nope"));
    }

    @Test
    void nativeHeapTrimmingOnlyWhereTheJavaHasItAndTheArchiveSettingStaysBehind() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path cds = Files.createDirectories(dir.resolve("state")).resolve("aami-agent.jsa");
        Path old = fakeJava("17.0.8", false);
        Run run = run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", cds.toString()));
        assertThat(run.exit).as(run.output).isZero();
        List<String> calls = Files.readAllLines(dir.resolve("java-calls"));
        // Refused with the flag, so tried without it; then run without it, recording the class archive.
        assertThat(calls).containsExactly(PROBE + "-XX:TrimNativeHeapInterval=5000 -version", PROBE + "-version",
                "-Xms8m -Xmx64m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
                        + " -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError"
                        + " -Dsun.net.httpserver.nodelay=true -XX:ArchiveClassesAtExit=" + cds + " -Xlog:cds=off -XX:+VerifySharedSpaces -jar " + jar);
        assertThat(Files.readString(dir.resolve("java-env"))).doesNotContain("AAMI_CDS_ARCHIVE");

        Run relative = run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", "state/aami-agent.jsa"));
        assertThat(relative.exit).isEqualTo(2);
        assertThat(relative.output).contains("AAMI_CDS_ARCHIVE must be an absolute path or empty, not 'state/aami-agent.jsa'");
    }

    /**
     * The agent's AppCDS archive with the real JVM: none at first (recorded when that JVM exits), mapped at the
     * next start, and a truncated one (a crash or a full disk while the JVM wrote it; mapped, it would crash
     * the JVM with SIGBUS) refused by the launcher's probe and recorded again.
     */
    @Test
    void classArchiveIsRecordedAtTheFirstExitMappedAfterwardsAndMadeAgainWhenBroken() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("state")).resolve("aami-agent.jsa");
        Map<String, String> env = Map.of("JAVA_HOME", JAVA_HOME.toString(), "AAMI_JAR",
                JavaProcess.jar("aami.agent.jar").toString(), "AAMI_CDS_ARCHIVE", cds.toString(),
                "JAVA_OPTS", "-Xlog:class+load=info:stdout");
        Run first = run("aami-agent", env, "--help");
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output).contains("usage:").doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(cds).exists();
        long size = Files.size(cds);

        Run second = run("aami-agent", env, "--help");
        assertThat(second.exit).as(second.output).isZero();
        assertThat(second.output).contains("usage:").contains("io.aami.agent.Agent source: shared objects file (top)");

        byte[] whole = Files.readAllBytes(cds);
        Files.delete(cds);
        Files.write(cds, java.util.Arrays.copyOf(whole, 100_000));
        Run truncated = run("aami-agent", env, "--help");
        assertThat(truncated.exit).as(truncated.output).isZero();
        assertThat(truncated.output).contains("usage:").doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(Files.size(cds)).as("recorded again").isGreaterThan(size / 2);
        assertThat(dir.toFile().list()).noneMatch(f -> f.startsWith("hs_err") || f.startsWith("core"));
        assertThat(run("aami-agent", env, "--help").output).contains("io.aami.agent.Agent source: shared objects file (top)");

        // Whole but damaged (one byte flipped past the header): only its checksums tell, and it is made again.
        byte[] damaged = Files.readAllBytes(cds);
        damaged[damaged.length / 2] ^= (byte) 0xff;
        Files.delete(cds);
        Files.write(cds, damaged);
        Run corrupt = run("aami-agent", env, "--help");
        assertThat(corrupt.exit).as(corrupt.output).isZero();
        assertThat(corrupt.output).doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(Files.readAllBytes(cds)).as("recorded again").isNotEqualTo(damaged);
        assertThat(run("aami-agent", env, "--help").output).contains("io.aami.agent.Agent source: shared objects file (top)");
    }

    /**
     * The JVM maps the archive into the root agent as its classes and writes it at exit following symlinks:
     * a directory another user can write, or an archive that is a symlink or not root's, is not used at all.
     */
    @Test
    void classArchiveOnlyWhereRootAloneCanWriteIt() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path fake = fakeJava("17.0.9");
        Path state = Files.createDirectories(dir.resolve("state"));
        Path cds = state.resolve("aami-agent.jsa");
        Path calls = dir.resolve("java-calls");
        Map<String, String> env = Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", cds.toString());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        Run groupWritable = run("aami-agent", env);
        assertThat(groupWritable.exit).as(groupWritable.output).isZero();
        assertThat(groupWritable.output).contains("not using the class archive " + cds + ": its directory");
        assertThat(Files.readString(calls)).doesNotContain("Archive");

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(cds, Files.writeString(dir.resolve("planted.jsa"), "classes"));
        Files.delete(calls);
        Run linked = run("aami-agent", env);
        assertThat(linked.output).contains("not using the class archive " + cds + ": not a regular file of root's alone");
        assertThat(Files.readString(calls)).doesNotContain("Archive");

        Files.delete(cds);
        Files.delete(calls);
        assertThat(run("aami-agent", env).exit).isZero();
        assertThat(Files.readString(calls)).contains("-XX:ArchiveClassesAtExit=" + cds + " -Xlog:cds=off -XX:+VerifySharedSpaces");
    }

    @Test
    void serverHeapIsBoundedByDefaultSizedByAamiServerHeapAndABadSizeIsNamed() throws Exception {
        Path fake = fakeJava("17.0.9");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        Path defaults = Files.writeString(dir.resolve("aami-config-server.default"), "AAMI_JAR=" + jar + "\n");
        Map<String, String> env = Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_DEFAULTS_FILE", defaults.toString());
        Run run = run("aami-config-server", env, "routes");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(Files.readString(dir.resolve("java-calls"))).isEqualTo("-version\n"
                + "-Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=100 -XX:+ExitOnOutOfMemoryError -jar " + jar + " routes\n");

        Files.writeString(defaults, "AAMI_SERVER_HEAP=1536m\nJAVA_OPTS=\"-Dfrom.defaults=yes\"\nAAMI_JAR=" + jar + "\n");
        assertThat(run("aami-config-server", env).exit).isZero();
        assertThat(Files.readString(dir.resolve("java-calls"))).endsWith("-Xmx1536m -XX:+UseG1GC -XX:MaxGCPauseMillis=100"
                + " -XX:+ExitOnOutOfMemoryError -Dfrom.defaults=yes -jar " + jar + "\n");
        // The launcher's own setting stays behind: the server would warn about an unknown AAMI_* key.
        assertThat(Files.readString(dir.resolve("java-env"))).doesNotContain("AAMI_SERVER_HEAP");

        for (String bad : new String[] {"2", "1gb", "g", "1g -Dx=y", "-1g"}) {
            Files.writeString(defaults, "AAMI_SERVER_HEAP='" + bad + "'\nAAMI_JAR=" + jar + "\n");
            Run refused = run("aami-config-server", env);
            assertThat(refused.exit).as(bad).isEqualTo(2);
            assertThat(refused.output).contains("AAMI_SERVER_HEAP must be a heap size such as 1g or 1536m, not '" + bad + "'");
        }
    }

    @Test
    void configServerLauncherRunsTheRealJar() throws Exception {
        Run routes = run("aami-config-server", Map.of("JAVA_HOME", JAVA_HOME.toString(),
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

    /** A {@code java} that has -XX:TrimNativeHeapInterval (17.0.9 and later do). */
    private Path fakeJava(String version) throws Exception {
        return fakeJava(version, true);
    }

    /**
     * A {@code java} that prints {@code version} for -version (the last argument) and otherwise records its
     * arguments and environment; without {@code trims}, it refuses -XX:TrimNativeHeapInterval as a Java
     * older than 17.0.9 does.
     */
    private Path fakeJava(String version, boolean trims) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("fake-jdk-" + version + "/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "$*" >>'%1$s/java-calls'
                for a; do
                  case $a in -XX:TrimNativeHeapInterval=*) if [ %3$s = no ]; then
                    echo "Unrecognized VM option '${a#-XX:}'" >&2; exit 1; fi ;; esac
                  last=$a
                done
                if [ "$last" = -version ]; then
                  echo 'Picked up JAVA_TOOL_OPTIONS: -Dx=y' >&2
                  echo 'openjdk version "%2$s" 2024-01-16' >&2
                  exit 0
                fi
                env >'%1$s/java-env'
                """.formatted(dir, version, trims ? "yes" : "no"));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    private record Run(int exit, String output) {
    }

    /** Runs a launcher with only {@code env} (plus an empty defaults file, so the host's /etc/default is not read). */
    private Run run(String launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", SystemdUnitsTest.dist(launcher).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("AAMI_DEFAULTS_FILE", Files.writeString(dir.resolve("empty.default"), "").toString());
        if (launcher.equals("aami-agent")) {
            pb.environment().put("AAMI_CDS_ARCHIVE", ""); // not the host's /var/lib/aami, unless a test names one
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
