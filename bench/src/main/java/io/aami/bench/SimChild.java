package io.aami.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.logging.LogSetup;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A simulator child JVM ({@code --processes}): one {@link Fleet} with its own source address, driven by
 * its parent ({@link SimChildLink}) over stdin and stdout. The first line is the {@link Wire} spec; then
 * each line is {@code ID VERB [JSON]}, answered (in any order, each on its own thread, so a long
 * enrollment does not hold up a count) by {@code ID ok [JSON]} or {@code ID error MESSAGE}. Credentials
 * (bootstrap tokens, agent keys) travel only on the pipes, never on the command line, which every local
 * user can read in /proc. Logs go to stderr. The child ends at {@code close} or when its stdin closes
 * (the parent died); a SIGINT or SIGTERM stops its agents but keeps it answering for
 * {@link #GRACE_SECONDS} s, so an interrupted parent can still collect its figures and ledgers.
 */
public final class SimChild {
    static final int GRACE_SECONDS = 30;

    /** The spec on the first line: {@link Fleet.Spec} in plain fields, and the address to connect from. */
    record Wire(List<String> bases, boolean tls, String caFile, UUID check, long heartbeatMillis, int resultsPerMinute,
                long policyWaitMillis, String bind) {
        Fleet.Spec spec() {
            return new Fleet.Spec(bases.stream().map(URI::create).toList(), tls, caFile == null ? null : Path.of(caFile), check,
                    new SimAgent.Rhythm(Duration.ofMillis(heartbeatMillis), resultsPerMinute, Duration.ofMillis(policyWaitMillis)));
        }

        static Wire of(Fleet.Spec s, String bind) {
            return new Wire(s.bases().stream().map(URI::toString).toList(), s.tls(), s.caFile() == null ? null : s.caFile().toString(),
                    s.check(), s.rhythm().heartbeat().toMillis(), s.rhythm().resultsPerMinute(), s.rhythm().policyWait().toMillis(), bind);
        }
    }

    /** {@code grow}: this many agents more, enrolled with these bootstrap tokens, one per enrollment lane in order. */
    record Grow(int count, List<String> tokens) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Stats stats;
    private final Fleet fleet;
    private final PrintStream protocol;

    private SimChild(Stats stats, Fleet fleet, PrintStream protocol) {
        this.stats = stats;
        this.fleet = fleet;
        this.protocol = protocol;
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // Nothing but answers may reach the parent's pipe.
        System.setOut(System.err);
        LogSetup.configure(System.getenv().getOrDefault("AAMI_BENCH_LOG_LEVEL", "warn"), "text");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String first = in.readLine();
        if (first == null) {
            return;
        }
        Wire wire = new ObjectMapper().readValue(first, Wire.class);
        SimChild child;
        try {
            Stats stats = new Stats();
            child = new SimChild(stats, Fleet.open(wire.spec(), InetAddress.getByName(wire.bind()), stats), protocol);
        } catch (Exception e) {
            protocol.println("0 error " + oneLine(e));
            Runtime.getRuntime().halt(3);
            return;
        }
        child.serve(in);
    }

    private void serve(BufferedReader in) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            try {
                closed.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sim-child-grace"));
        ExecutorService pool = Executors.newCachedThreadPool(io.aami.common.concurrent.DaemonThreads.factory("sim-child"));
        protocol.println("0 ok ready");
        String line;
        while ((line = in.readLine()) != null && !line.equals("close")) {
            String[] p = line.split(" ", 3);
            pool.submit(() -> answer(p[0], p[1], p.length > 2 ? p[2] : ""));
        }
        fleet.close();
        closed.countDown();
        Runtime.getRuntime().halt(0);
    }

    private void answer(String id, String verb, String arg) {
        String reply;
        try {
            reply = "ok " + handle(verb, arg);
        } catch (Exception | Error e) {
            reply = "error " + oneLine(e);
        }
        synchronized (protocol) {
            protocol.println(id + " " + reply);
        }
    }

    private String handle(String verb, String arg) throws Exception {
        return switch (verb) {
            case "grow" -> {
                Grow g = json.readValue(arg, Grow.class);
                ArrayDeque<String> tokens = new ArrayDeque<>(g.tokens());
                fleet.grow(g.count(), uses -> tokens.pollFirst());
                yield Integer.toString(fleet.size());
            }
            case "adopt" -> {
                fleet.adopt(Identities.decode(json.readValue(arg, new TypeReference<List<Identities.Agent>>() { })));
                yield Integer.toString(fleet.size());
            }
            case "identities" -> json.writeValueAsString(Identities.encode(fleet.identities()));
            case "heartbeating" -> Integer.toString(fleet.heartbeatingSince(Long.parseLong(arg)));
            case "drain" -> Integer.toString(fleet.drainAndStop(Duration.ofMillis(Long.parseLong(arg))));
            case "ledgers" -> json.writeValueAsString(fleet.ledgers());
            case "mark" -> {
                fleet.markHandshakes();
                yield "";
            }
            case "handshakes" -> json.writeValueAsString(fleet.handshakes());
            case "stats" -> json.writeValueAsString(stats.delta());
            case "stop" -> {
                fleet.close();
                yield "";
            }
            default -> throw new IllegalArgumentException("unknown verb " + verb);
        };
    }

    private static String oneLine(Throwable e) {
        return String.valueOf(e.getMessage() == null ? e : e.getMessage()).replace('\n', ' ');
    }

    /** The answers' JSON, for the parent. */
    static Map<String, Stats.Delta> statsDelta(ObjectMapper json, String body) throws java.io.IOException {
        return json.readValue(body, new TypeReference<Map<String, Stats.Delta>>() { });
    }
}
