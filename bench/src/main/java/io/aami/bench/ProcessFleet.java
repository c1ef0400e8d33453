package io.aami.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code --processes N}: the fleet spread over N simulator child JVMs ({@link SimChild}), child i
 * connecting from 127.0.0.(2+i). One process may hold only so many sockets (the open-file limit; each
 * agent holds two connections) and each (source address, server address and port) pair has only the
 * ephemeral port range, so a large fleet needs several. Work is split evenly and sent to every child
 * at once; counts, ledgers, handshakes and identities are their union; answers recorded in the
 * children reach this run's {@link Stats} at {@link #collectStats}. {@link #close} gathers the final
 * ledgers before it ends the children, so an interrupted run can still be checked.
 */
final class ProcessFleet implements Agents {
    /** Per child call: enrolling a wave may take minutes on a loaded machine. */
    private static final long CALL_SECONDS = 3600;
    private static final long QUICK_SECONDS = ChildGroup.QUICK_SECONDS;

    private final ChildGroup children;
    private final Stats stats;
    private final ObjectMapper json = new ObjectMapper();
    private volatile List<SimAgent.Ledger> finalLedgers;
    private volatile int size;

    private ProcessFleet(ChildGroup children, Stats stats) {
        this.children = children;
        this.stats = stats;
    }

    /** Starts {@code processes} children (their logs in {@code logDir}), each running {@code spec}. */
    static ProcessFleet start(int processes, Fleet.Spec spec, Stats stats, Path logDir) throws IOException, InterruptedException {
        return new ProcessFleet(ChildGroup.start(processes, logDir, (i, bind, log) -> SimChildLink.start("simulator " + i, spec,
                bind, List.of(), log)), stats);
    }

    /** Agents started so far (during a wave, those before it; after {@link #close}, every one the children had). */
    @Override
    public int size() {
        List<SimAgent.Ledger> done = finalLedgers;
        return done != null ? done.size() : size;
    }

    @Override
    public void grow(int count, IntFunction<String> tokenForUses) throws InterruptedException {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            int share = children.share(count, i);
            List<String> tokens = new ArrayList<>();
            for (int uses : Fleet.laneShares(share)) {
                tokens.add(tokenForUses.apply(uses));
            }
            args.add(write(new SimChild.Grow(share, tokens)));
        }
        // Every child answers with its size, those given nothing too.
        size = children.all(i -> children.get(i).call("grow", args.get(i), CALL_SECONDS)).stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public void adopt(List<Enrollment.Enrolled> earlier) {
        try {
            List<String> args = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < children.size(); i++) {
                int share = children.share(earlier.size(), i);
                args.add(write(Identities.encode(earlier.subList(from, from + share))));
                from += share;
            }
            size = children.all(i -> children.get(i).call("adopt", args.get(i), CALL_SECONDS)).stream().mapToInt(Integer::parseInt).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public List<Enrollment.Enrolled> identities() {
        List<Enrollment.Enrolled> out = new ArrayList<>();
        for (String s : quick("identities", "")) {
            try {
                out.addAll(Identities.decode(json.readValue(s, new TypeReference<List<Identities.Agent>>() { })));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public int heartbeatingSince(long sinceNanos) {
        return quick("heartbeating", Long.toString(sinceNanos)).stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public int drainAndStop(Duration grace) throws InterruptedException {
        return children.all(i -> children.get(i).call("drain", Long.toString(grace.toMillis()), grace.toSeconds() + QUICK_SECONDS))
                .stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public List<SimAgent.Ledger> ledgers() {
        List<SimAgent.Ledger> done = finalLedgers;
        return done != null ? done : readLedgers();
    }

    private List<SimAgent.Ledger> readLedgers() {
        List<SimAgent.Ledger> out = new ArrayList<>();
        for (String s : quick("ledgers", "")) {
            try {
                out.addAll(json.readValue(s, new TypeReference<List<SimAgent.Ledger>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public void markHandshakes() {
        quick("mark", "");
    }

    @Override
    public List<Long> pids() {
        return children.pids();
    }

    @Override
    public Handshakes.Counts handshakes() {
        Handshakes.Counts sum = new Handshakes.Counts(0, 0, 0, 0);
        for (String s : quick("handshakes", "")) {
            try {
                Handshakes.Counts c = json.readValue(s, Handshakes.Counts.class);
                sum = new Handshakes.Counts(sum.full() + c.full(), sum.resumed() + c.resumed(), sum.resumedOld() + c.resumedOld(),
                        sum.failed() + c.failed());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sum;
    }

    @Override
    public synchronized void collectStats() {
        for (String s : quick("stats", "")) {
            try {
                stats.absorb(SimChild.statsDelta(json, s));
            } catch (IOException | java.util.zip.DataFormatException e) {
                throw new IllegalStateException("unreadable figures from a simulator child: " + e.getMessage(), e);
            }
        }
    }

    /** Resident memory of the children together (bytes), as /proc shows it. */
    long rssBytes() {
        return children.rssBytes();
    }

    /** Stops every agent, takes the last figures and ledgers, then ends the children. Idempotent. */
    @Override
    public synchronized void close() {
        if (finalLedgers != null) {
            return;
        }
        try {
            quick("stop", "");
            collectStats();
            finalLedgers = readLedgers();
        } catch (RuntimeException e) {
            finalLedgers = List.of();
            throw e;
        } finally {
            children.close();
        }
    }

    private List<String> quick(String verb, String arg) {
        return children.quick(verb, arg);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
