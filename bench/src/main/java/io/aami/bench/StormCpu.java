package io.aami.bench;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * CPU over the storm, the server's apart from the simulator's: the server is this JVM (replica 1, when the agents run
 * in simulator children) and the replica children; the simulator is its children. With the agents in this JVM the two
 * cannot be told apart and only this JVM's total is given. PostgreSQL's is not counted.
 */
final class StormCpu {
    private final List<Long> simulatorPids;
    private final long thisStart;
    private final long simulatorStart;

    private StormCpu(List<Long> simulatorPids) {
        this.simulatorPids = simulatorPids;
        this.thisStart = cpu(List.of(ProcessHandle.current().pid()));
        this.simulatorStart = cpu(simulatorPids);
    }

    /** From now on; call as the server stops. */
    static StormCpu start(Agents fleet) {
        return new StormCpu(fleet.pids());
    }

    /**
     * The line for the report: server CPU and per agent, simulator CPU and per agent. {@code replicaPids}: the replica
     * children started again after the stop, counted whole (their JVMs' start is part of the restart).
     */
    String report(int agents, List<Long> replicaPids) {
        double server = (cpu(List.of(ProcessHandle.current().pid())) - thisStart + cpu(replicaPids)) / 1e9;
        if (simulatorPids.isEmpty()) {
            return String.format(Locale.ROOT, "CPU from the stop until every agent was back: this JVM (server and simulated"
                    + " agents together)%s %.1f s, %.2f ms an agent", replicaPids.isEmpty() ? "" : " and the replicas", server,
                    server * 1000 / agents);
        }
        double simulator = (cpu(simulatorPids) - simulatorStart) / 1e9;
        return String.format(Locale.ROOT, "CPU from the stop until every agent was back: server %.1f s (%.2f ms an agent, %d JVM%s),"
                + " simulator %.1f s (%.2f ms an agent, %d JVMs); PostgreSQL not counted", server, server * 1000 / agents,
                replicaPids.size() + 1, replicaPids.isEmpty() ? "" : "s", simulator, simulator * 1000 / agents, simulatorPids.size());
    }

    /** User + system CPU of these processes (and their reaped children); a process gone counts nothing. */
    static long cpu(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                sum += ProcessStats.of(pid).cpuNanos();
            } catch (IOException | RuntimeException e) {
                // gone: a stopped replica; its CPU up to the stop is not counted
            }
        }
        return sum;
    }
}
