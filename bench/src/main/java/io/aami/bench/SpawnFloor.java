package io.aami.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer of {@code checkrun}: the least a JVM can spend to run a check, a plain Java loop that
 * starts {@code sh -c true} and waits for it (the JDK's default launch mechanism, no sandbox, no
 * cgroup, no output reader). Measured in a JVM of its own, like the agent, so the embedded server's
 * CPU in the bench's JVM does not count; it prints its CPU (its own and its children's) per run.
 */
final class SpawnFloor {
    private SpawnFloor() {
    }

    /** Child JVM entry: {@code SpawnFloor <runs>}; prints {@code floor-nanos-per-run <n>}. */
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < Math.min(50, runs); i++) {
            spawn();
        }
        ProcessStats before = ProcessStats.of(pid);
        for (int i = 0; i < runs; i++) {
            spawn();
        }
        System.out.println("floor-nanos-per-run " + ProcessStats.of(pid).totalCpuNanosSince(before) / runs);
    }

    private static void spawn() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "true").start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("sh -c true exited " + p.exitValue());
        }
    }

    /** Runs the loop {@code runs} times in a child JVM; returns its CPU nanoseconds per run. */
    static long measure(int runs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SpawnFloor.class.getName(), Integer.toString(runs)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the sh -c true loop failed: " + out.strip());
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("floor-nanos-per-run ")) {
                return Long.parseLong(line.substring("floor-nanos-per-run ".length()).trim());
            }
        }
        throw new IllegalStateException("the sh -c true loop printed no figure: " + out.strip());
    }
}
