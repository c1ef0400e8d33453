package io.aami.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw peer of {@code probes}: a connect/close loop with nothing around it, in a child process of its own.
 * The C program {@code raw-connect.c} when {@code cc} builds it, else {@link RawConnectLoop} in a child JVM;
 * {@link #name()} says which. Both follow {@link ProbeTargets}' rule and check each answer.
 */
final class RawPeer {
    /** One run: answers as expected on listeners and on the closed port, wrong answers, CPU of the loop. */
    record Result(long ok, long refused, long wrong, long cpuNanos) {
        long probes() {
            return ok + refused + wrong;
        }
    }

    private final String name;
    private final List<String> command;
    private final Path dir;

    private RawPeer(String name, List<String> command, Path dir) {
        this.name = name;
        this.command = command;
        this.dir = dir;
    }

    /** The C loop built with {@code cc} when that works and {@code javaOnly} is false, else the Java NIO loop. */
    static RawPeer prepare(Path dir, boolean javaOnly) throws IOException, InterruptedException {
        if (!javaOnly) {
            Path source = dir.resolve("raw-connect.c");
            Path binary = dir.resolve("raw-connect");
            try (InputStream in = RawPeer.class.getResourceAsStream("raw-connect.c")) {
                Files.write(source, in.readAllBytes());
            }
            try {
                Process cc = new ProcessBuilder("cc", "-O2", "-o", binary.toString(), source.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("cc.log").toFile()).start();
                if (cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0) {
                    return new RawPeer("C connect loop (cc -O2)", List.of(binary.toString()), dir);
                }
            } catch (IOException e) {
                // no cc: the Java loop below
            }
        }
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), RawConnectLoop.class.getName());
        return new RawPeer("Java NIO connect loop (" + (javaOnly ? "--raw-java" : "no cc") + ")", java, dir);
    }

    String name() {
        return name;
    }

    Result run(ProbeTargets targets, Duration duration) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.add(String.format(java.util.Locale.ROOT, "%.3f", duration.toMillis() / 1000.0));
        cmd.add(Integer.toString(targets.closedPort()));
        for (int port : targets.ports()) {
            cmd.add(Integer.toString(port));
        }
        try (ChildProcess child = ChildProcess.startPiped("the raw loop", cmd, dir.resolve("raw.log"))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.US_ASCII));
            OutputStream go = child.process().getOutputStream();
            expect("ready", in.readLine(), child);
            ProcessStats before = child.stats();
            go.write("go\n".getBytes(StandardCharsets.US_ASCII));
            go.flush();
            String counts = in.readLine();
            ProcessStats after = child.stats();
            go.close();
            if (counts == null) {
                throw new IOException("the raw loop ended without counts; " + child.tail());
            }
            String[] f = counts.trim().split(" ");
            return new Result(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), after.totalCpuNanosSince(before));
        }
    }

    private static void expect(String wanted, String line, ChildProcess child) throws IOException {
        if (!wanted.equals(line)) {
            throw new IOException("the raw loop said " + line + " instead of " + wanted + "; " + child.tail());
        }
    }
}
