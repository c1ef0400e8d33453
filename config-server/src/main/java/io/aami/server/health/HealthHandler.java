package io.aami.server.health;

import io.aami.server.db.DatabaseLife;
import io.aami.server.db.Migrations;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health}: the process answers. {@code /ready}: the database answered its last ping, its
 * process is not being restarted, and the schema is current. The body's {@code database} says which
 * state the database is in: {@code up}, {@code restarting} (the embedded postmaster died and is being
 * brought back) or {@code unreachable} (it does not answer); {@code reason} says why when known.
 */
public final class HealthHandler {
    private final DatabaseProbe database;
    private final Migrations migrations;

    public HealthHandler(DatabaseProbe database, Migrations migrations) {
        this.database = database;
        this.migrations = migrations;
    }

    public void health(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    public void ready(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        DatabaseLife life = database.life();
        boolean restarting = DatabaseLife.RESTARTING.equals(life.state());
        if (restarting || !database.reachable()) {
            body.put("status", "unavailable");
            body.put("database", restarting ? "restarting" : "unreachable");
            body.put("reason", restarting && life.reason() != null ? life.reason() : "the database does not answer");
            body.put("error", "the database does not answer");
            body.put("code", "DATABASE_UNAVAILABLE");
            ctx.header("Retry-After", "5").status(503).json(body);
        } else if (!migrations.upToDate()) {
            body.put("status", "unavailable");
            body.put("database", "up");
            body.put("reason", "database migrations are pending");
            body.put("error", "database migrations are pending");
            body.put("code", "MIGRATIONS_PENDING");
            ctx.status(503).json(body);
        } else {
            body.put("status", "ready");
            body.put("database", "up");
            ctx.json(body);
        }
    }
}
