package io.aami.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU of a {@code policy} run's processes over one change (from the create request until every child has checked its
 * agents' bundles), when it is spread ({@code --processes}, {@code --replicas}): this JVM by thread role
 * ({@link ThreadCpu}: the first replica's threads, the bench's own, JIT, GC), the replica children and the simulator
 * children from {@code /proc/<pid>/stat}. So the report can say what the server and the clients each spend per agent.
 * PostgreSQL's is not counted.
 */
final class PolicyCpu {
    /** A reading of every process. */
    record Mark(Map<ThreadCpu.Role, Long> here, long replicas, long simulators) {
    }

    private final List<Long> replicaPids;
    private final List<Long> simulatorPids;
    private final LongSupplier simulatorRss;

    PolicyCpu(List<Long> replicaPids, List<Long> simulatorPids, LongSupplier simulatorRss) {
        this.replicaPids = replicaPids;
        this.simulatorPids = simulatorPids;
        this.simulatorRss = simulatorRss;
    }

    Mark mark() {
        try {
            return new Mark(ThreadCpu.now(), StormCpu.cpu(replicaPids), StormCpu.cpu(simulatorPids));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line for the report: CPU since {@code before}, in all and per agent of the round. */
    String report(Mark before, int agents) {
        Mark now = mark();
        Map<ThreadCpu.Role, Long> here = ThreadCpu.between(before.here(), now.here());
        double server = seconds(here.get(ThreadCpu.Role.SERVER));
        double bench = seconds(here.get(ThreadCpu.Role.CLIENT));
        double jit = seconds(here.get(ThreadCpu.Role.JIT));
        double gc = seconds(here.get(ThreadCpu.Role.GC));
        double other = seconds(here.get(ThreadCpu.Role.OTHER));
        double replicas = seconds(now.replicas() - before.replicas());
        double simulators = seconds(now.simulators() - before.simulators());
        double serverSide = server + jit + gc + other + replicas;
        double clientSide = bench + simulators;
        return String.format(Locale.ROOT, "CPU over the change: this JVM %.1f s (server threads %.1f, bench %.1f, JIT %.1f, GC %.1f,"
                        + " other %.1f), %d replica JVM%s %.1f s, %d simulator JVM%s %.1f s (RSS %.0f MiB); per agent: servers %.3f ms"
                        + " (this JVM but its bench threads, and the replicas), clients %.3f ms; PostgreSQL not counted",
                server + bench + jit + gc + other, server, bench, jit, gc, other, replicaPids.size(), replicaPids.size() == 1 ? "" : "s",
                replicas, simulatorPids.size(), simulatorPids.size() == 1 ? "" : "s", simulators, simulatorRss.getAsLong() / 1048576.0,
                serverSide * 1000 / agents, clientSide * 1000 / agents);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
