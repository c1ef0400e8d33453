package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.bench.Stats.Endpoint;
import io.aami.contract.ApiPaths;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ResultAck;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated agent, driven by timers and answers (no thread of its own): heartbeats every
 * interval ±10 %, a policy long poll always open, and check results numbered in one stream epoch,
 * sent in order with one batch in flight, removed only once acknowledged and otherwise sent again
 * after a jittered backoff (or the server's {@code Retry-After}), as the agent's {@code ResultSender} does.
 */
final class SimAgent {
    static final int MAX_BATCH = 100;
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(30);

    /** How often an agent does what. */
    record Rhythm(Duration heartbeat, int resultsPerMinute, Duration policyWait) {
    }

    /** What the agent knows at the end: every seq up to {@code acked} was acknowledged; it made {@code produced}. */
    record Ledger(UUID targetId, UUID epoch, long acked, long produced) {
    }

    private final UUID id;
    private final UUID epoch = UUID.randomUUID();
    private final String bearer;
    private final String checkId;
    private final Rhythm rhythm;
    private final FleetHttp http;
    private final ScheduledExecutorService timers;
    private final ObjectMapper mapper;
    private final long bornNanos = System.nanoTime();
    private final ArrayDeque<CheckResult> pending = new ArrayDeque<>();
    private long nextSeq = 1;
    private long acked;
    private boolean inFlight;
    private int sendFailures;
    private int heartbeatFailures;
    private int pollFailures;
    private volatile long policyVersion = -1;
    private volatile boolean producing = true;
    private volatile boolean running = true;
    private volatile long lastHeartbeatOk = bornNanos - Long.MAX_VALUE / 2;

    /** @param bearer the agent token without TLS; null with TLS, where the certificate is the credential */
    SimAgent(UUID id, String bearer, String checkId, Rhythm rhythm, FleetHttp http, ScheduledExecutorService timers,
             ObjectMapper mapper) {
        this.id = id;
        this.bearer = bearer;
        this.checkId = checkId;
        this.rhythm = rhythm;
        this.http = http;
        this.timers = timers;
        this.mapper = mapper;
    }

    UUID id() {
        return id;
    }

    /** Starts at random offsets within one interval, so a fleet does not start in lockstep. */
    void start() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        after(r.nextLong(rhythm.heartbeat().toMillis() + 1), this::heartbeat);
        if (rhythm.resultsPerMinute() > 0) {
            after(r.nextLong(resultPeriodMillis() + 1), this::produce);
        }
        after(r.nextLong(1000), this::poll);
    }

    /** Makes no more results; what is pending is still delivered. */
    void stopProducing() {
        producing = false;
    }

    synchronized boolean drained() {
        return pending.isEmpty() && !inFlight;
    }

    /** When ({@link System#nanoTime()}) a heartbeat was last answered 2xx; long before birth if never. */
    long lastHeartbeatOk() {
        return lastHeartbeatOk;
    }

    void stop() {
        running = false;
    }

    synchronized Ledger ledger() {
        return new Ledger(id, epoch, acked, nextSeq - 1);
    }

    private void heartbeat() {
        if (!running) {
            return;
        }
        long uptime = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - bornNanos);
        int depth;
        synchronized (this) {
            depth = pending.size();
        }
        HeartbeatRequest body = new HeartbeatRequest("aami-bench", uptime, policyVersion < 0 ? null : policyVersion, depth,
                null, null);
        http.send(id, Endpoint.HEARTBEAT, "POST", ApiPaths.withId(ApiPaths.HEARTBEAT, id), json(body), bearer, null,
                Duration.ofSeconds(10), a -> {
                    long next = a.ok() ? jittered(rhythm.heartbeat().toMillis()) : Math.min(rhythm.heartbeat().toMillis(),
                            backoff(++heartbeatFailures, a));
                    if (a.ok()) {
                        heartbeatFailures = 0;
                        lastHeartbeatOk = System.nanoTime();
                    }
                    after(next, this::heartbeat);
                });
    }

    private void produce() {
        if (!running || !producing) {
            return;
        }
        synchronized (this) {
            pending.add(new CheckResult(nextSeq++, checkId, "ok", 0, "aami-bench", false, false, 1, Instant.now()));
        }
        send();
        after(jittered(resultPeriodMillis()), this::produce);
    }

    private void send() {
        List<CheckResult> batch = new ArrayList<>();
        synchronized (this) {
            if (inFlight || pending.isEmpty() || !running) {
                return;
            }
            inFlight = true;
            for (CheckResult r : pending) {
                if (batch.size() == MAX_BATCH) {
                    break;
                }
                batch.add(r);
            }
        }
        http.send(id, Endpoint.CHECK_RESULTS, "POST", ApiPaths.withId(ApiPaths.CHECK_RESULTS, id),
                json(new CheckResultBatch(epoch.toString(), batch)), bearer, null, Duration.ofSeconds(30), this::sent);
    }

    private void sent(FleetHttp.Answer a) {
        ResultAck ack = a.ok() ? ack(a.body()) : null;
        long delay = 0;
        synchronized (this) {
            inFlight = false;
            if (ack != null) {
                acked = Math.max(acked, ack.ackedSeq());
                while (!pending.isEmpty() && pending.peekFirst().seq() <= acked) {
                    pending.pollFirst();
                }
                sendFailures = 0;
            } else {
                delay = backoff(++sendFailures, a);
            }
        }
        after(delay, this::send);
    }

    private void poll() {
        if (!running) {
            return;
        }
        long known = policyVersion;
        String path = ApiPaths.withId(ApiPaths.POLICY, id) + "?wait=" + rhythm.policyWait().toSeconds() + "s";
        http.send(id, Endpoint.POLICY_FETCH, "GET", path, null, bearer, known < 0 ? null : "\"" + known + "\"",
                rhythm.policyWait().plusSeconds(15), a -> {
                    long delay = 0;
                    if (a.status() == 200) {
                        policyVersion = version(a.body());
                        pollFailures = 0;
                    } else if (a.status() == 304) {
                        pollFailures = 0;
                    } else {
                        delay = backoff(++pollFailures, a);
                    }
                    after(delay, this::poll);
                });
    }

    private long resultPeriodMillis() {
        return 60_000L / rhythm.resultsPerMinute();
    }

    /** The server's {@code Retry-After}, else full jitter over 1 s × 2^attempts, capped at 30 s. */
    private static long backoff(int attempts, FleetHttp.Answer a) {
        if (a.retryAfterSeconds() >= 0) {
            return TimeUnit.SECONDS.toMillis(Math.min(a.retryAfterSeconds(), BACKOFF_CAP.toSeconds()));
        }
        long ceiling = Math.min(BACKOFF_CAP.toMillis(), 1000L << Math.min(attempts, 5));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static long jittered(long millis) {
        return millis * (90 + ThreadLocalRandom.current().nextLong(21)) / 100;
    }

    private void after(long millis, Runnable task) {
        if (!running) {
            return;
        }
        try {
            timers.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the fleet is shutting down
        }
    }

    private byte[] json(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }

    private ResultAck ack(byte[] body) {
        try {
            return mapper.readValue(body, ResultAck.class);
        } catch (IOException e) {
            return null;
        }
    }

    private long version(byte[] body) {
        try {
            return mapper.readTree(body).path("version").asLong(policyVersion);
        } catch (IOException e) {
            return policyVersion;
        }
    }
}
