package io.aami.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real agent as a child process, started through the shipped launcher ({@code install/src/main/dist/aami-agent},
 * carried in this jar from the same build unless {@code --launcher} names another), so it runs with exactly
 * the JVM flags, {@code MALLOC_ARENA_MAX} and class-data archive handling an installed agent gets: the bench
 * cannot drift from what ships. The launcher {@code exec}s the JVM, so the child's pid is the agent's.
 * Nothing of this process's environment that the launcher reads leaks in ({@code JAVA_OPTS},
 * {@code MALLOC_ARENA_MAX}, {@code AAMI_*}); its defaults file is an empty one of the run.
 */
final class LaunchedAgent implements AutoCloseable {
    static final String SHIPPED_LAUNCHER = "aami-agent";

    private final Process process;
    private final Path log;

    private LaunchedAgent(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code jar} with {@code config} through {@code launcher} (null: the shipped one) in {@code dir}. */
    static LaunchedAgent start(Path launcher, Path jar, Path config, Path dir, Map<String, String> env) throws IOException {
        return launch(launcher, jar, List.of("--config", config.toString()), dir, env, dir.resolve("agent.log"));
    }

    /**
     * {@code aami-agent --train} through {@code launcher}, as the packages' post-install script runs it, waited for
     * (at most {@code timeout}); its exit status, and its output in {@code dir/train.log}.
     */
    static int train(Path launcher, Path jar, Path dir, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        LaunchedAgent run = launch(launcher, jar, List.of("--train"), dir, env, dir.resolve("train.log"));
        if (!run.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            run.stop(5);
            throw new IOException("aami-agent --train did not end within " + timeout.toSeconds() + " s: " + run.tail(2000));
        }
        return run.process.exitValue();
    }

    private static LaunchedAgent launch(Path launcher, Path jar, List<String> args, Path dir, Map<String, String> env, Path log)
            throws IOException {
        Path script = launcher != null ? launcher : shippedLauncher(dir);
        Path defaults = Files.writeString(dir.resolve("aami-agent.default"), "");
        List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_") || k.equals("JAVA_OPTS") || k.equals("MALLOC_ARENA_MAX"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("AAMI_JAR", jar.toAbsolutePath().toString());
        pb.environment().put("AAMI_DEFAULTS_FILE", defaults.toString());
        pb.environment().put("AAMI_CDS_ARCHIVE", ""); // never the host's /var/lib/aami; a run that wants one names its own
        pb.environment().putAll(env);
        return new LaunchedAgent(pb.start(), log);
    }

    /** The launcher packaged into this jar from {@code install/src/main/dist}, written out to run it. */
    static Path shippedLauncher(Path dir) throws IOException {
        try (InputStream in = LaunchedAgent.class.getResourceAsStream(SHIPPED_LAUNCHER)) {
            if (in == null) {
                throw new IOException("the shipped launcher is not in this jar; give --launcher install/src/main/dist/aami-agent");
            }
            Path p = dir.resolve(SHIPPED_LAUNCHER);
            Files.write(p, in.readAllBytes());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            return p;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last {@code max} characters of the agent's output, for a failed run's message. */
    String tail(int max) {
        try {
            String s = Files.readString(log);
            return s.length() <= max ? s : s.substring(s.length() - max);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM as systemd sends it; SIGKILL after 10 s. */
    @Override
    public void close() {
        stop(10);
    }

    /** SIGTERM, SIGKILL after {@code patienceSeconds} (a JVM writing its class archive at exit needs a few). */
    void stop(int patienceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(patienceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
