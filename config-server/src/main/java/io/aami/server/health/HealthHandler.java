package io.aami.server.health;

import io.aami.server.db.Database;
import io.aami.server.db.Migrations;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health}: the process answers. {@code /ready}: the database answers and its schema is current. */
public final class HealthHandler {
    private final Database db;
    private final Migrations migrations;

    public HealthHandler(Database db, Migrations migrations) {
        this.db = db;
        this.migrations = migrations;
    }

    public void health(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    public void ready(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!db.ping(Duration.ofSeconds(2))) {
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
