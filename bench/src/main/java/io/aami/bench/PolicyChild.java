package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.concurrent.DaemonThreads;
import io.aami.common.json.WireJson;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@code policy} simulator child JVM ({@code --processes}): its share of each round's long-polling agents
 * ({@link PolledAgents}) on an HTTP client of the round's own, connecting from its own loopback address, driven
 * by {@link PolicyChildren} over the pipe {@link ChildProtocol} speaks. The first line is the {@link Wire}; the
 * verbs: {@code start} (these identities fetch, then park: answers their count), {@code finish} (waits for the
 * change, checks each agent and closes the round's client: answers the {@link PolledAgents.Outcome}, each
 * agent's moment as this process's {@link System#nanoTime}), {@code stop}. Agent tokens travel only on the pipe.
 */
public final class PolicyChild {
    /** The first line: the replicas' bases, the address to connect from, the long polls' wait. */
    record Wire(List<String> bases, String bind, long pollWaitMillis) {
    }

    /** {@code start}: this child's agents of the round, and how long their fetches may take. */
    record Start(List<Prefill.Identity> agents, long timeoutMillis) {
    }

    /** {@code finish}: the new check every bundle must hold, and how long the change may take. */
    record Finish(UUID check, long timeoutMillis) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper mapper = WireJson.mapper();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("bench-retry"));
    private final List<URI> bases;
    private final InetAddress bind;
    private final Duration pollWait;
    private FleetHttp http;
    private PolledAgents agents;

    private PolicyChild(Wire wire) throws java.io.IOException {
        this.bases = wire.bases().stream().map(URI::create).toList();
        this.bind = InetAddress.getByName(wire.bind());
        this.pollWait = Duration.ofMillis(wire.pollWaitMillis());
    }

    public static void main(String[] args) throws Exception {
        ChildProtocol protocol = ChildProtocol.claim();
        String first = protocol.firstLine();
        if (first == null) {
            return;
        }
        PolicyChild child;
        try {
            child = new PolicyChild(new ObjectMapper().readValue(first, Wire.class));
        } catch (Exception e) {
            protocol.failStart(e);
            return;
        }
        protocol.serve(child::handle, child::stop);
    }

    private String handle(String verb, String arg) throws Exception {
        return switch (verb) {
            case "start" -> {
                Start s = json.readValue(arg, Start.class);
                start(s.agents(), Duration.ofMillis(s.timeoutMillis()));
                yield Integer.toString(s.agents().size());
            }
            case "finish" -> {
                Finish f = json.readValue(arg, Finish.class);
                yield json.writeValueAsString(finish(f.check(), Duration.ofMillis(f.timeoutMillis())));
            }
            case "stop" -> {
                stop();
                yield "";
            }
            default -> throw new IllegalArgumentException("unknown verb " + verb);
        };
    }

    private void start(List<Prefill.Identity> ids, Duration timeout) throws Exception {
        PolledAgents round;
        synchronized (this) {
            stop();
            http = new FleetHttp(bases, bind, null, new Stats()).keepIdle(PolicyCommand.idle(pollWait));
            agents = new PolledAgents(http, mapper, retries, ids, pollWait);
            round = agents;
        }
        // Not under the lock: a signal's stop must not wait for the fetches.
        round.fetchAndPark(timeout);
    }

    private PolledAgents.Outcome finish(UUID check, Duration timeout) throws Exception {
        PolledAgents round;
        synchronized (this) {
            round = agents;
        }
        if (round == null) {
            throw new IllegalStateException("no round started");
        }
        PolledAgents.Outcome outcome = round.await(check, timeout);
        stop();
        return outcome;
    }

    /** Stops the round's agents and closes its client, so its connections do not idle into the next round. */
    private synchronized void stop() {
        if (agents != null) {
            agents.stop();
            agents = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
    }
}
