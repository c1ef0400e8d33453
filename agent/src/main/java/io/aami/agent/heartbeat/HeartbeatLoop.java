package io.aami.agent.heartbeat;

import io.aami.agent.enrollment.ReenrollmentRule;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.Backoff;
import io.aami.agent.util.StopSignal;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat every interval (the server's, once it has said one) until the agent stops.
 * Failures back off with jitter and never end the loop; a rejected credential is handed to
 * {@code onCredentialRejected}, which re-enrolls, only once the {@link ReenrollmentRule} says the
 * rejections are persistent (a single 401, from whoever answered, proves nothing).
 */
public final class HeartbeatLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatLoop.class);

    private final ServerTransport transport;
    private final CredentialHolder credentials;
    private final Supplier<HeartbeatRequest> request;
    private final StopSignal stop;
    private final Backoff backoff;
    private final AgentMetrics metrics;
    private final Consumer<AgentCredentials> onCredentialRejected;
    private final ReenrollmentRule reenroll;
    private Duration interval;
    private boolean failing;

    public HeartbeatLoop(ServerTransport transport, CredentialHolder credentials, Supplier<HeartbeatRequest> request,
                         Duration initialInterval, StopSignal stop, Backoff backoff, AgentMetrics metrics,
                         Consumer<AgentCredentials> onCredentialRejected, ReenrollmentRule reenroll) {
        this.reenroll = reenroll;
        this.transport = transport;
        this.credentials = credentials;
        this.request = request;
        this.interval = initialInterval;
        this.stop = stop;
        this.backoff = backoff;
        this.metrics = metrics;
        this.onCredentialRejected = onCredentialRejected;
    }

    @Override
    public void run() {
        while (!stop.stopped()) {
            if (stop.await(beatOnce())) {
                return;
            }
        }
    }

    /** One heartbeat; returns how long to wait before the next. */
    Duration beatOnce() {
        AgentCredentials creds = credentials.current().orElse(null);
        if (creds == null) {
            return backoff.next();
        }
        try {
            HeartbeatResponse resp = transport.heartbeat(creds, request.get());
            metrics.heartbeats.labelValues("ok").inc();
            reenroll.accepted();
            metrics.lastHeartbeat.set(resp.serverTime().toEpochMilli() / 1000.0);
            if (resp.heartbeatIntervalSeconds() > 0) {
                interval = Duration.ofSeconds(resp.heartbeatIntervalSeconds());
            }
            if (failing) {
                LOG.info("heartbeats to the server succeed again");
                failing = false;
            }
            backoff.reset();
            return interval;
        } catch (TransportException e) {
            metrics.heartbeats.labelValues("error").inc();
            failing = true;
            Duration wait = e.retryAfter() != null ? e.retryAfter() : backoff.next();
            if (e.credentialRejected()) {
                if (reenroll.rejected()) {
                    LOG.error("the server keeps rejecting this agent's credential ({}); enrolling again", e.getMessage());
                    onCredentialRejected.accept(creds);
                    return Duration.ZERO;
                }
                LOG.warn("the server rejected this agent's credential ({}); {} before enrolling again; next attempt in {} ms",
                        e.getMessage(), reenroll.progress(), wait.toMillis());
                return wait;
            }
            if (!e.transientFailure()) {
                wait = backoff.atCap();
            }
            LOG.warn("heartbeat failed ({}); next attempt in {} ms", e.getMessage(), wait.toMillis());
            return wait;
        }
    }
}
