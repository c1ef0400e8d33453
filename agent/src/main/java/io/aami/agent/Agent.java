package io.aami.agent;

import io.aami.agent.enrollment.Enroller;
import io.aami.agent.feature.Loop;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.util.StopSignal;
import io.aami.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: reuse the stored credential or enroll, then start the background loops
 * (policy poll, result senders) and heartbeat until stopped. {@link #close()} stops every loop,
 * then closes the resources in order (producers before the spools they write to), within seconds.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final UUID agentId;
    private final Enroller enroller;
    private final HeartbeatLoop heartbeats;
    private final List<Loop> loops;
    private final StopSignal stop;
    private final List<AutoCloseable> resources;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Thread> interruptible = new ArrayList<>();
    private final Thread main;

    Agent(UUID agentId, Enroller enroller, HeartbeatLoop heartbeats, List<Loop> loops, StopSignal stop,
          List<AutoCloseable> resources) {
        this.agentId = agentId;
        this.enroller = enroller;
        this.heartbeats = heartbeats;
        this.loops = List.copyOf(loops);
        this.stop = stop;
        this.resources = new ArrayList<>(resources);
        this.main = new Thread(this::run, "aami-agent");
    }

    void start() {
        main.start();
    }

    /** Blocks until the agent has stopped. */
    public void awaitStopped() throws InterruptedException {
        main.join();
    }

    public UUID agentId() {
        return agentId;
    }

    private void run() {
        if (enroller.credentials().isEmpty()) {
            return;
        }
        synchronized (threads) {
            if (stop.stopped()) {
                return;
            }
            for (Loop loop : loops) {
                Thread t = DaemonThreads.thread("aami-" + loop.name(), loop.body());
                threads.add(t);
                if (loop.interruptOnStop()) {
                    interruptible.add(t);
                }
                t.start();
            }
        }
        heartbeats.run();
    }

    @Override
    public void close() {
        stop.stop();
        synchronized (threads) {
            interruptible.forEach(Thread::interrupt);
        }
        join(main);
        synchronized (threads) {
            threads.forEach(Agent::join);
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

    private static void join(Thread t) {
        try {
            t.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
