package io.aami.server.health;

import io.aami.server.db.Migrations;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health}: the process answers. {@code /ready}: the database answered its last ping and the schema is current. */
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
        if (!database.reachable()) {
            body.put("status", "unavailable");
            body.put("error", "the database does not answer");
            body.put("code", "DATABASE_UNAVAILABLE");
            ctx.header("Retry-After", "5").status(503).json(body);
        } else if (!migrations.upToDate()) {
            body.put("status", "unavailable");
            body.put("error", "database migrations are pending");
            body.put("code", "MIGRATIONS_PENDING");
            ctx.status(503).json(body);
        } else {
            body.put("status", "ready");
            ctx.json(body);
        }
    }
}
