package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the launchers from the dist directory in a test's directory, with a fake or the real {@code java}. */
final class LauncherRuns {
    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    /** What the agent launcher puts before the flags it tries with -version: a crashing probe leaves no files. */
    static final String PROBE = "-XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash ";

    private final Path dir;

    LauncherRuns(Path dir) {
        this.dir = dir;
    }

    /** A {@code java} that has -XX:TrimNativeHeapInterval (17.0.9 and later do). */
    Path fakeJava(String version) throws Exception {
        return fakeJava(version, true);
    }

    /**
     * A {@code java} that prints {@code version} for -version (the last argument) and otherwise records its
     * arguments and environment; without {@code trims}, it refuses -XX:TrimNativeHeapInterval as a Java
     * older than 17.0.9 does.
     */
    Path fakeJava(String version, boolean trims) throws Exception {
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

    /** A launcher's exit status and everything it printed. */
    static final class Run {
        final int exit;
        final String output;

        Run(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** Runs a launcher with only {@code env} (plus an empty defaults file, so the host's /etc/default is not read). */
    Run run(String launcher, Map<String, String> env, String... args) throws Exception {
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
