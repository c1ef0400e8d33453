package io.aami.agent;

import io.aami.agent.enrollment.Enroller;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.util.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: reuse the stored credential or enroll, then heartbeat until stopped. Runs on
 * its own thread; {@link #close()} stops every loop and returns within a few seconds.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final UUID agentId;
    private final Enroller enroller;
    private final HeartbeatLoop heartbeats;
    private final StopSignal stop;
    private final List<AutoCloseable> resources;
    private final Thread thread;

    Agent(UUID agentId, Enroller enroller, HeartbeatLoop heartbeats, StopSignal stop, List<AutoCloseable> resources) {
        this.agentId = agentId;
        this.enroller = enroller;
        this.heartbeats = heartbeats;
        this.stop = stop;
        this.resources = new ArrayList<>(resources);
        this.thread = new Thread(this::run, "aami-agent");
    }

    void start() {
        thread.start();
    }

    /** Blocks until the agent has stopped. */
    public void awaitStopped() throws InterruptedException {
        thread.join();
    }

    public UUID agentId() {
        return agentId;
    }

    private void run() {
        if (enroller.credentials().isPresent()) {
            heartbeats.run();
        }
    }

    @Override
    public void close() {
        stop.stop();
        try {
            thread.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.getMessage());
            }
        }
        LOG.info("agent stopped");
    }
}
