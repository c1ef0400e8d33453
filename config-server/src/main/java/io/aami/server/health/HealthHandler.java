package io.aami.server.health;

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

    public HealthHandler(DatabaseProbe database) {
        this.database = database;
    }

    public void health(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    public void ready(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean restarting = database.restarting();
        if (restarting || !database.reachable()) {
            body.put("status", "unavailable");
            body.put("database", restarting ? "restarting" : "unreachable");
            body.put("reason", restarting && database.restartReason() != null ? database.restartReason() : "the database does not answer");
            body.put("error", "the database does not answer");
            body.put("code", "DATABASE_UNAVAILABLE");
            ctx.header("Retry-After", "5").status(503).json(body);
        } else if (!database.migrationsCurrent()) {
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
