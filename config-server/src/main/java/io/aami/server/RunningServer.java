package io.aami.server;

import io.aami.server.db.Database;
import io.aami.server.feature.Resources;
import io.aami.server.heartbeat.HeartbeatFeature;
import io.aami.server.http.RouteTable;
import io.aami.server.results.ResultStreams;
import java.util.List;

/** A started config-server; closing it stops the API first and the database last. */
public final class RunningServer implements AutoCloseable {
    private final int port;
    private final Database db;
    private final HeartbeatFeature heartbeats;
    private final ResultStreams results;
    private final RouteTable routes;
    private final Resources resources;

    RunningServer(int port, Database db, HeartbeatFeature heartbeats, ResultStreams results, RouteTable routes,
                  Resources resources) {
        this.port = port;
        this.db = db;
        this.heartbeats = heartbeats;
        this.results = results;
        this.routes = routes;
        this.resources = resources;
    }

    public int port() {
        return port;
    }

    public Database database() {
        return db;
    }

    /** The routes this server serves, as the {@code routes} command lists them (by path, then method). */
    public List<RouteTable.Route> routes() {
        return routes.routes();
    }

    /** Runs a liveness sweep now (tests, operators' tooling). */
    public int sweepNow() {
        return heartbeats.sweepNow();
    }

    /** Writes pending heartbeats now. */
    public void flushHeartbeats() {
        heartbeats.flush();
    }

    /** Runs partition maintenance now; returns the partitions dropped. */
    public List<String> maintainPartitions() {
        return results.maintainPartitions();
    }

    @Override
    public void close() {
        resources.close();
    }
}
