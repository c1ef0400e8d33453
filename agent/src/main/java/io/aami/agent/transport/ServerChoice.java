package io.aami.agent.transport;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the configured servers one loop talks to. Sticky: the loop stays with its server while it
 * answers, however the others fare, and moves to the next in the list (wrapping) only once its own stops
 * answering: at once when there is no answer at all (refused, reset, timed out, TLS failed: a dead or
 * unreachable replica, or one whose certificate the agent does not trust, counted in
 * {@code aami_agent_server_untrusted_total} and never sent anything), after {@link #SERVER_ERRORS_BEFORE_FAILOVER} 5xx in a row (a replica up but broken;
 * one 503 is often a moment's overload every replica shares). Any other answer, 429 and 4xx included, proves
 * the server alive: moving then would only carry the agent's rate, or its refusal, elsewhere. It never goes
 * back to a server because it comes first: flapping between replicas would cost a TLS handshake and a parked
 * long poll each time. The waits between tries are the loop's own (jittered backoff, {@code retry.Retry}), so
 * with every server down the loop goes round them no faster than it retried one.
 */
final class ServerChoice {
    /** 5xx answers in a row from one server before the loop moves on. */
    static final int SERVER_ERRORS_BEFORE_FAILOVER = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ServerChoice.class);

    private final String loop;
    private final List<String> addresses;
    private final FailoverMetrics metrics;
    private int current;
    private int serverErrors;

    ServerChoice(String loop, List<String> addresses, int start, FailoverMetrics metrics) {
        this.loop = loop;
        this.addresses = List.copyOf(addresses);
        this.metrics = metrics;
        this.current = start;
        metrics.init(loop, this.addresses, start);
    }

    synchronized int current() {
        return current;
    }

    synchronized void answered() {
        serverErrors = 0;
    }

    /** Notes a failed call to server {@code at}; moves on when that server, still the current one, stopped answering. */
    synchronized void failed(int at, TransportException e) {
        if (TransportException.UNTRUSTED_SERVER.equals(e.code())) {
            metrics.untrusted(addresses.get(at)); // counted whatever happens next: an impostor or a misconfigured replica
        }
        if (at != current || addresses.size() < 2 || Thread.currentThread().isInterrupted()) {
            // Another call moved on already, there is nowhere to go, or the agent is stopping (an interrupted call).
            return;
        }
        if (e.status() >= 500) {
            serverErrors++;
        } else if (e.status() != 0) {
            serverErrors = 0;
            return;
        }
        if (e.status() == 0 || serverErrors >= SERVER_ERRORS_BEFORE_FAILOVER) {
            int next = (current + 1) % addresses.size();
            LOG.warn("{}: server {} {} ({}); moving to {}", loop, addresses.get(current),
                    TransportException.UNTRUSTED_SERVER.equals(e.code()) ? "is not trusted" : "stopped answering", e.getMessage(),
                    addresses.get(next));
            current = next;
            serverErrors = 0;
            metrics.failedOver(loop, addresses, next);
        }
    }
}
