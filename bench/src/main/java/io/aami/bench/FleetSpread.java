package io.aami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run's agents and connections go: in this JVM, or over {@code --processes} simulator children
 * ({@link ProcessFleet}), and whether any process of the run would hold more sockets than its
 * open-file limit allows.
 */
final class FleetSpread {
    private FleetSpread() {
    }

    /** The fleet of a run: in this JVM with one process, else spread over that many children (their logs in a temporary directory). */
    static Agents open(int processes, Fleet.Spec spec, Stats stats, java.io.PrintStream out) throws IOException, InterruptedException {
        if (processes == 1) {
            return Fleet.open(spec, null, stats);
        }
        Path logs = Files.createTempDirectory("aami-bench-simulators");
        out.printf("%d simulator processes (from 127.0.0.2 to 127.0.0.%d), their logs in %s%n", processes, processes + 1, logs);
        return ProcessFleet.start(processes, spec, stats, logs);
    }

    /**
     * A warning when a process of the run would hold more sockets than its open-file limit allows (two per
     * agent: its long poll and the rest, at both ends), naming the option that spreads them; null when not.
     * @param replicas the server's replicas when one runs in this JVM ({@code --embedded}), else 0
     */
    static String capacityWarning(int agents, int processes, int replicas) {
        long limit = openFileLimit();
        long here = (processes == 1 ? 2L * agents : 0) + (replicas > 0 ? 2L * agents / replicas : 0);
        long perChild = processes == 1 ? 0 : 2L * ((agents + processes - 1) / processes);
        long perReplica = replicas > 0 ? 2L * ((agents + replicas - 1) / replicas) : 0;
        if (limit <= 0 || Math.max(here, Math.max(perChild, perReplica)) <= limit * 95 / 100) {
            return null;
        }
        return String.format("warning: about %,d connections in one process (this one %,d, each simulator child %,d, each replica %,d), "
                + "over 95 %% of the open-file limit %,d: raise --processes (simulator) and --replicas (server) so each holds fewer",
                Math.max(here, Math.max(perChild, perReplica)), here, perChild, perReplica, limit);
    }

    /** This process's soft open-file limit (/proc/self/limits), or -1 when unknown. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

}
