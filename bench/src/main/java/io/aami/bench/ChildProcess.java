package io.aami.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A peer {@code probes} measures, started as a child process with its output in a log file: its CPU is read
 * from /proc ({@link ProcessStats}) around each phase, so the bench's own threads are never counted.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private int port;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The port it answered on in {@link #awaitHttp}. */
    int port() {
        return port;
    }

    /** Starts {@code command} with {@code env} added (and {@code AAMI_*} of this process removed), output to {@code log}. */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_") || k.equals("JAVA_OPTS") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start(), log);
    }

    /** As {@link #start} with stdin and stdout piped to the caller (for the raw loop's ready/go handshake). */
    static ChildProcess startPiped(String name, List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().keySet().removeIf(k -> k.equals("JAVA_TOOL_OPTIONS"));
        return new ChildProcess(name, pb.start(), log);
    }

    Process process() {
        return process;
    }

    ProcessStats stats() throws IOException {
        return ProcessStats.of(process.pid());
    }

    /** Waits until {@code GET path} answers 200 (any other answer or no listener: wait on), or fails naming the log. */
    void awaitHttp(int port, String path, String token, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " while starting; " + tail());
            }
            try (KeepAliveHttp http = new KeepAliveHttp(port, token)) {
                if (http.get(path).status() == 200) {
                    this.port = port;
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException(name + " did not answer GET " + path + " within " + patience.toSeconds() + " s; " + tail());
    }

    String tail() {
        try {
            String all = Files.readString(log);
            return "its log " + log + " ends:\n" + (all.length() <= 3000 ? all : all.substring(all.length() - 3000));
        } catch (IOException e) {
            return "its log " + log + " cannot be read";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Stops a child: SIGTERM, 10 s to exit, then SIGKILL. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
