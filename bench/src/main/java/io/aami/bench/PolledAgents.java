package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One round's long-polling agents ({@link LongPoller}) on one HTTP client, in whichever process runs them: this
 * JVM with {@code --processes 1}, else each simulator child ({@link PolicyChild}) its share. Each fetches its
 * policy (a bounded number at once), then parks one long poll; after the change each is checked: it counts as
 * served only with a bundle for itself, of a higher version, holding the new check.
 */
final class PolledAgents {
    private static final int FETCHES_AT_ONCE = 32;
    /** Long polls opened a second by one process. */
    private static final int PARKS_PER_SECOND = 1_000;

    /**
     * What the agents held: for each served one, the {@link System#nanoTime} at which its whole new bundle had
     * arrived (in the process that ran it), and why each other was not served.
     */
    record Outcome(List<Long> heldAtNanos, List<String> failures) {
        /** Both together (the children's outcomes into the round's). */
        Outcome plus(Outcome other) {
            List<Long> held = new ArrayList<>(heldAtNanos);
            held.addAll(other.heldAtNanos);
            List<String> failed = new ArrayList<>(failures);
            failed.addAll(other.failures);
            return new Outcome(held, failed);
        }
    }

    private final ObjectMapper mapper;
    private final List<LongPoller> agents;

    PolledAgents(FleetHttp http, ObjectMapper mapper, ScheduledExecutorService retries, List<Prefill.Identity> ids,
                 Duration pollWait) {
        this.mapper = mapper;
        this.agents = new ArrayList<>(ids.size());
        for (Prefill.Identity id : ids) {
            agents.add(new LongPoller(http, mapper, retries, id.id(), id.token(), pollWait));
        }
    }

    /**
     * Every agent's first fetch, a bounded number at once (the server computes each bundle afresh), then every long
     * poll. Fails when {@code stall} passes without a fetch answered: at 50,000 agents the fetches take minutes, so
     * it bounds a stall, not the whole.
     */
    void fetchAndPark(Duration stall) throws Exception {
        Semaphore slots = new Semaphore(FETCHES_AT_ONCE);
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<Long>> fetches = new ArrayList<>(agents.size());
        Progress progress = new Progress(stall, "first fetches", agents.size());
        for (LongPoller a : agents) {
            while (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
                progress.check(done.get());
            }
            fetches.add(a.fetch().whenComplete((v, e) -> {
                done.incrementAndGet();
                slots.release();
            }));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new));
        while (true) {
            try {
                all.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                progress.check(done.get());
            }
        }
        parkPaced();
    }

    /**
     * Opens every long poll, at most {@link #PARKS_PER_SECOND} a second: 12,500 opened at once on a replica (a child's
     * share after the fetches, whose idle connections the server has closed) mostly waited out the database pool and
     * came back as 503s, and the parking stalled.
     */
    private void parkPaced() throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < agents.size(); i++) {
            long due = start + i * 1_000_000_000L / PARKS_PER_SECOND;
            long ahead = due - System.nanoTime();
            if (ahead > 0) {
                TimeUnit.NANOSECONDS.sleep(ahead);
            }
            agents.get(i).park();
        }
    }

    /**
     * Waits for every agent's new bundle, then checks each; when {@code stall} passes without one more bundle, those
     * still without one are stopped (and counted as not served).
     */
    Outcome await(UUID check, Duration stall) throws Exception {
        CompletableFuture<Void> all = CompletableFuture.allOf(agents.stream().map(LongPoller::received)
                .toArray(CompletableFuture[]::new));
        Progress progress = new Progress(stall, "new bundles", agents.size());
        while (!all.isDone()) {
            try {
                all.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                try {
                    progress.check(agents.stream().filter(a -> a.received().isDone()).count());
                } catch (IllegalStateException stalled) {
                    stop();
                }
            }
        }
        List<Long> held = new ArrayList<>(agents.size());
        List<String> failures = new ArrayList<>();
        for (LongPoller a : agents) {
            LongPoller.Received r = a.received().get();
            String wrong = wrong(a, r, check);
            if (wrong != null) {
                failures.add(a.id() + ": " + wrong);
            } else {
                held.add(r.atNanos());
            }
        }
        return new Outcome(held, failures);
    }

    /** Stops every agent still waiting (a run ending early). */
    void stop() {
        agents.forEach(LongPoller::stop);
    }

    private String wrong(LongPoller a, LongPoller.Received r, UUID check) {
        PolicyBundle b = r.failure() != null ? null : read(r.body());
        return r.failure() != null ? r.failure()
                : b == null ? "an unreadable bundle"
                : !a.id().equals(b.targetId()) ? "a bundle for " + b.targetId()
                : b.version() <= a.known() ? "version " + b.version() + " after " + a.known()
                : b.checks().stream().map(CheckSpec::checkId).noneMatch(check::equals) ? "a bundle without the new check"
                : null;
    }

    private PolicyBundle read(byte[] body) {
        try {
            return mapper.readValue(body, PolicyBundle.class);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
