package io.aami.install;

import static io.aami.install.LauncherRuns.JAVA_HOME;
import static io.aami.install.LauncherRuns.PROBE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent launcher's native heap trimming and AppCDS archive: the flag only where the Java has it, the
 * archive recorded at the first stop, mapped afterwards only when its checksums match, made again when
 * damaged, and used only where root alone can write it.
 */
class AgentClassArchiveTest {
    @TempDir
    Path dir;
    private LauncherRuns runs;

    @BeforeEach
    void runs() {
        runs = new LauncherRuns(dir);
    }

    @Test
    void nativeHeapTrimmingOnlyWhereTheJavaHasItAndTheArchiveSettingStaysBehind() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path cds = Files.createDirectories(dir.resolve("state")).resolve("aami-agent.jsa");
        Path old = runs.fakeJava("17.0.8", false);
        LauncherRuns.Run run = runs.run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", cds.toString()));
        assertThat(run.exit).as(run.output).isZero();
        List<String> calls = Files.readAllLines(dir.resolve("java-calls"));
        // Refused with the flag, so tried without it; then run without it, recording the class archive.
        assertThat(calls).containsExactly(PROBE + "-XX:TrimNativeHeapInterval=5000 -version", PROBE + "-version",
                "-Xms8m -Xmx64m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
                        + " -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError"
                        + " -Dsun.net.httpserver.nodelay=true -XX:ArchiveClassesAtExit=" + cds + " -Xlog:cds=off -XX:+VerifySharedSpaces -jar " + jar);
        assertThat(Files.readString(dir.resolve("java-env"))).doesNotContain("AAMI_CDS_ARCHIVE");

        LauncherRuns.Run relative = runs.run("aami-agent", Map.of("PATH", old.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
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
        LauncherRuns.Run first = runs.run("aami-agent", env, "--help");
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output).contains("usage:").doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(cds).exists();
        long size = Files.size(cds);

        LauncherRuns.Run second = runs.run("aami-agent", env, "--help");
        assertThat(second.exit).as(second.output).isZero();
        assertThat(second.output).contains("usage:").contains("io.aami.agent.Agent source: shared objects file (top)");

        byte[] whole = Files.readAllBytes(cds);
        Files.delete(cds);
        Files.write(cds, java.util.Arrays.copyOf(whole, 100_000));
        LauncherRuns.Run truncated = runs.run("aami-agent", env, "--help");
        assertThat(truncated.exit).as(truncated.output).isZero();
        assertThat(truncated.output).contains("usage:").doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(Files.size(cds)).as("recorded again").isGreaterThan(size / 2);
        assertThat(dir.toFile().list()).noneMatch(f -> f.startsWith("hs_err") || f.startsWith("core"));
        assertThat(runs.run("aami-agent", env, "--help").output).contains("io.aami.agent.Agent source: shared objects file (top)");

        // Whole but damaged (one byte flipped past the header): only its checksums tell, and it is made again.
        byte[] damaged = Files.readAllBytes(cds);
        damaged[damaged.length / 2] ^= (byte) 0xff;
        Files.delete(cds);
        Files.write(cds, damaged);
        LauncherRuns.Run corrupt = runs.run("aami-agent", env, "--help");
        assertThat(corrupt.exit).as(corrupt.output).isZero();
        assertThat(corrupt.output).doesNotContain("io.aami.agent.Agent source: shared objects file");
        assertThat(Files.readAllBytes(cds)).as("recorded again").isNotEqualTo(damaged);
        assertThat(runs.run("aami-agent", env, "--help").output).contains("io.aami.agent.Agent source: shared objects file (top)");
    }

    /**
     * {@code aami-agent --train}, as the packages' post-install script runs it: the training life records the archive
     * (over one this Java could map: the jar may be new), leaves nothing behind, and the agent's next start maps from
     * it the classes of a first life, not only its entry point: enrollment, mutual TLS, heartbeats, the signed policy, a
     * check run in the sandbox, a probe, result delivery, its local API.
     */
    @Test
    void theTrainingRunRecordsTheArchiveTheNextStartMaps() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("state")).resolve("aami-agent.jsa");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> env = Map.of("JAVA_HOME", JAVA_HOME.toString(), "AAMI_JAR", JavaProcess.jar("aami.agent.jar").toString(),
                "AAMI_CDS_ARCHIVE", cds.toString(), "JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        List<String> before = trainingDirectories();
        LauncherRuns.Run trained = runs.run("aami-agent", env, "--train");
        assertThat(trained.exit).as(trained.output).isZero();
        assertThat(trained.output).contains("aami-agent: training run done in", "enrolled, heartbeat, policy, check and probe results");
        assertThat(cds).exists();
        assertThat(Files.size(cds)).isGreaterThan(10_000_000L);
        assertThat(tmp.toFile().list()).as("its temporary directory removed").isEmpty();
        assertThat(trainingDirectories()).as("nothing left in /run either (another training may have ended meanwhile)")
                .isSubsetOf(before);

        // The archive's own list (-XX:+PrintSharedArchiveAndExit, through the launcher, which maps it).
        Map<String, String> listing = new java.util.HashMap<>(env);
        listing.put("JAVA_OPTS", "-XX:+PrintSharedArchiveAndExit");
        LauncherRuns.Run listed = runs.run("aami-agent", listing, "--help");
        for (String cls : List.of("io.aami.agent.Agent", "io.aami.agent.enrollment.Enroller", "sun.security.ssl.ClientHello",
                "sun.security.ssl.CertificateVerify", "jdk.internal.net.http.HttpClientImpl", "com.fasterxml.jackson.databind.ObjectMapper",
                "io.aami.agent.api.LocalApi", "io.aami.agent.probes.TcpProber", "org.yaml.snakeyaml.Yaml",
                "io.aami.agent.heartbeat.HeartbeatLoop", "io.aami.agent.pki.PolicyVerifier", "io.aami.agent.checks.Sandbox",
                "io.aami.agent.delivery.ResultSender", "java.lang.ProcessImpl")) {
            assertThat(listed.output).as(cls + " in the trained archive").contains(": " + cls + " ");
        }

        // Trained again (an upgrade's post-install): recorded afresh although the one there is usable.
        long firstRecorded = Files.getLastModifiedTime(cds).toMillis();
        Thread.sleep(1100);
        LauncherRuns.Run again = runs.run("aami-agent", env, "--train");
        assertThat(again.exit).as(again.output).isZero();
        assertThat(Files.getLastModifiedTime(cds).toMillis()).isGreaterThan(firstRecorded);
    }

    private static List<String> trainingDirectories() throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/run"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("aami-agent-train")).sorted().toList();
        }
    }

    /**
     * The JVM maps the archive into the root agent as its classes and writes it at exit following symlinks:
     * a directory another user can write, or an archive that is a symlink or not root's, is not used at all.
     */
    @Test
    void classArchiveOnlyWhereRootAloneCanWriteIt() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "");
        Path fake = runs.fakeJava("17.0.9");
        Path state = Files.createDirectories(dir.resolve("state"));
        Path cds = state.resolve("aami-agent.jsa");
        Path calls = dir.resolve("java-calls");
        Map<String, String> env = Map.of("PATH", fake.getParent() + ":/usr/bin:/bin", "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", cds.toString());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        LauncherRuns.Run groupWritable = runs.run("aami-agent", env);
        assertThat(groupWritable.exit).as(groupWritable.output).isZero();
        assertThat(groupWritable.output).contains("not using the class archive " + cds + ": its directory");
        assertThat(Files.readString(calls)).doesNotContain("Archive");

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(cds, Files.writeString(dir.resolve("planted.jsa"), "classes"));
        Files.delete(calls);
        LauncherRuns.Run linked = runs.run("aami-agent", env);
        assertThat(linked.output).contains("not using the class archive " + cds + ": not a regular file of root's alone");
        assertThat(Files.readString(calls)).doesNotContain("Archive");

        Files.delete(cds);
        Files.delete(calls);
        assertThat(runs.run("aami-agent", env).exit).isZero();
        assertThat(Files.readString(calls)).contains("-XX:ArchiveClassesAtExit=" + cds + " -Xlog:cds=off -XX:+VerifySharedSpaces");
    }
}
