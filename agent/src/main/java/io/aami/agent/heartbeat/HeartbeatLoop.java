package io.aami.agent.heartbeat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat every interval (the server's, once it has said one) until the agent stops.
 * Failures back off with jitter ({@link Retry}) and never end the loop; every verdict on the credential
 * goes to {@link CredentialRejections}, which re-enrolls only once the rejections are persistent (a
 * single 401, from whoever answered, proves nothing).
 */
public final class HeartbeatLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatLoop.class);
    /** This loop's name where credential verdicts are reported. */
    public static final String LOOP = "heartbeat";

    private final ServerTransport transport;
    private final CredentialHolder credentials;
    private final Supplier<HeartbeatRequest> request;
    private final StopSignal stop;
    private final Retry retry;
    private final AgentMetrics metrics;
    private final CredentialRejections rejections;
    private Duration interval;
    private boolean failing;

    public HeartbeatLoop(ServerTransport transport, CredentialHolder credentials, Supplier<HeartbeatRequest> request,
                         Duration initialInterval, StopSignal stop, Retry retry, AgentMetrics metrics,
                         CredentialRejections rejections) {
        this.transport = transport;
        this.credentials = credentials;
        this.request = request;
        this.interval = initialInterval;
        this.stop = stop;
        this.retry = retry;
        this.metrics = metrics;
        this.rejections = rejections;
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
            return retry.next();
        }
        try {
            HeartbeatResponse resp = transport.heartbeat(creds, request.get());
            metrics.heartbeats.labelValues("ok").inc();
            rejections.accepted(LOOP);
            metrics.lastHeartbeat.set(resp.serverTime().toEpochMilli() / 1000.0);
            if (resp.heartbeatIntervalSeconds() > 0) {
                interval = Duration.ofSeconds(resp.heartbeatIntervalSeconds());
            }
            if (failing) {
                LOG.info("heartbeats to the server succeed again");
                failing = false;
            }
            retry.reset();
            return interval;
        } catch (TransportException e) {
            metrics.heartbeats.labelValues("error").inc();
            failing = true;
            Failure failure = Failure.of(e);
            Duration wait = retry.after(failure, e);
            if (failure == Failure.CREDENTIAL_REJECTED && rejections.rejected(LOOP, creds, e)) {
                return Duration.ZERO;
            }
            LOG.warn("heartbeat failed ({}); next attempt in {} ms", e.getMessage(), wait.toMillis());
            return wait;
        }
    }
}
