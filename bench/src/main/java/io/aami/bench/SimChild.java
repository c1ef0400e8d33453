package io.aami.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A simulator child JVM ({@code --processes}): one {@link Fleet} with its own source address, driven by
 * its parent ({@link SimChildLink}) over stdin and stdout ({@link ChildProtocol}). The first line is the
 * {@link Wire} spec; then each line is {@code ID VERB [JSON]}, answered (in any order, each on its own thread, so a long
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

    private SimChild(Stats stats, Fleet fleet) {
        this.stats = stats;
        this.fleet = fleet;
    }

    public static void main(String[] args) throws Exception {
        ChildProtocol protocol = ChildProtocol.claim();
        String first = protocol.firstLine();
        if (first == null) {
            return;
        }
        Wire wire = new ObjectMapper().readValue(first, Wire.class);
        SimChild child;
        try {
            Stats stats = new Stats();
            child = new SimChild(stats, Fleet.open(wire.spec(), InetAddress.getByName(wire.bind()), stats));
        } catch (Exception e) {
            protocol.failStart(e);
            return;
        }
        protocol.serve(child::handle, child.fleet::close);
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

    /** The answers' JSON, for the parent. */
    static Map<String, Stats.Delta> statsDelta(ObjectMapper json, String body) throws java.io.IOException {
        return json.readValue(body, new TypeReference<Map<String, Stats.Delta>>() { });
    }
}
