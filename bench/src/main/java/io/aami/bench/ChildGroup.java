package io.aami.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The simulator children of one run ({@code --processes N}), child i connecting from 127.0.0.(2+i): started
 * together, each called on a thread of its own so that all work at once ({@link #all}), work split evenly
 * ({@link #share}), ended together. {@link ProcessFleet} ({@code fleet}, {@code storm}) and
 * {@link PolicyChildren} ({@code policy}) drive theirs through it.
 */
final class ChildGroup implements AutoCloseable {
    /** A call that should be quick (a count, a figure). */
    static final long QUICK_SECONDS = 60;

    /** Starts child {@code index} connecting from {@code bind}, its log in {@code log}. */
    interface Launcher {
        SimChildLink start(int index, String bind, Path log) throws IOException;
    }

    /** One call on one child: its answer's payload. */
    interface Call {
        String on(int child) throws Exception;
    }

    private final List<SimChildLink> children;
    private final ExecutorService calls;

    private ChildGroup(List<SimChildLink> children) {
        this.children = children;
        this.calls = Executors.newCachedThreadPool(io.aami.common.concurrent.DaemonThreads.factory("process-fleet"));
    }

    /** Starts {@code processes} children (their logs {@code simulator-<i>.log} in {@code logDir}) and waits until each is ready. */
    static ChildGroup start(int processes, Path logDir, Launcher launcher) throws IOException, InterruptedException {
        List<SimChildLink> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                started.add(launcher.start(i, "127.0.0." + (2 + i), Files.createDirectories(logDir).resolve("simulator-" + i + ".log")));
            }
            for (SimChildLink c : started) {
                c.awaitReady();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(SimChildLink::close);
            throw e;
        }
        return new ChildGroup(started);
    }

    int size() {
        return children.size();
    }

    SimChildLink get(int child) {
        return children.get(child);
    }

    /** Child {@code child}'s even share of {@code count} (the first ones one more). */
    int share(int count, int child) {
        return count / children.size() + (child < count % children.size() ? 1 : 0);
    }

    List<Long> pids() {
        return children.stream().map(SimChildLink::pid).toList();
    }

    /** Resident memory of the children together (bytes), as /proc shows it. */
    long rssBytes() {
        long sum = 0;
        for (long pid : pids()) {
            try {
                sum += ProcessStats.of(pid).rssBytes();
            } catch (IOException e) {
                // gone: counts nothing
            }
        }
        return sum;
    }

    /** Runs {@code call} on every child at once; the answers in child order. */
    List<String> all(Call call) throws InterruptedException {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            int child = i;
            futures.add(calls.submit(() -> call.on(child)));
        }
        List<String> out = new ArrayList<>();
        for (Future<String> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    /** {@code verb arg} on every child at once, {@link #QUICK_SECONDS} each at most. */
    List<String> quick(String verb, String arg) {
        try {
            return all(i -> children.get(i).call(verb, arg, QUICK_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Ends every child. */
    @Override
    public void close() {
        children.forEach(SimChildLink::close);
        calls.shutdownNow();
    }
}
