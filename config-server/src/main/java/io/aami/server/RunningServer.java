package io.aami.server;

import io.aami.server.db.Database;
import io.aami.server.heartbeat.HeartbeatWriter;
import io.aami.server.heartbeat.LivenessSweeper;
import io.aami.server.results.PartitionMaintainer;
import java.util.List;
import org.slf4j.LoggerFactory;

/** A started config-server; closing it stops the API first and the database last. */
public final class RunningServer implements AutoCloseable {
    private final int port;
    private final Database db;
    private final LivenessSweeper sweeper;
    private final HeartbeatWriter heartbeats;
    private final PartitionMaintainer partitions;
    private final List<AutoCloseable> resources;

    RunningServer(int port, Database db, LivenessSweeper sweeper, HeartbeatWriter heartbeats, PartitionMaintainer partitions,
                  List<AutoCloseable> resources) {
        this.port = port;
        this.db = db;
        this.sweeper = sweeper;
        this.heartbeats = heartbeats;
        this.partitions = partitions;
        this.resources = resources;
    }

    public int port() {
        return port;
    }

    public Database database() {
        return db;
    }

    /** Runs a liveness sweep now (tests, operators' tooling). */
    public int sweepNow() {
        return sweeper.sweep();
    }

    /** Writes pending heartbeats now. */
    public void flushHeartbeats() {
        heartbeats.flush();
    }

    /** Runs partition maintenance now; returns the partitions dropped. */
    public List<String> maintainPartitions() {
        return partitions.maintain();
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(RunningServer.class).warn("error while stopping: {}", e.getMessage());
            }
        }
        resources.clear();
    }
}
