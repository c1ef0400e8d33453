package io.aami.server.results;

import io.aami.contract.checks.CheckResultView;
import io.aami.contract.results.CheckResultBatch;
import io.aami.server.http.ApiException;
import io.aami.server.http.Fields;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * HTTP for check results: the agents' ingest ({@code POST /api/v1/agents/{id}/check-results}) and
 * the operators' views of latest state and history (newest first, paged by {@code continue}).
 */
public final class CheckResultHandler {
    private final CheckResultIngest ingest;
    private final CheckStateService state;
    private final JsonBodies bodies;

    public CheckResultHandler(CheckResultIngest ingest, CheckStateService state, JsonBodies bodies) {
        this.ingest = ingest;
        this.state = state;
        this.bodies = bodies;
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Fields.pathId(ctx), bodies.read(ctx, CheckResultBatch.class)));
    }

    public void latest(Context ctx) {
        ctx.json(state.latest(Fields.pathId(ctx)));
    }

    public void history(Context ctx) {
        int limit = Fields.queryInt(ctx, "limit", 100, 1, 1000);
        List<CheckResultView> page = state.history(Fields.pathId(ctx), Fields.queryUuid(ctx, "check_id"),
                instant(ctx.queryParam("since"), Instant.EPOCH), mark(ctx.queryParam("continue")), limit);
        if (page.size() == limit) {
            CheckResultView last = page.get(page.size() - 1);
            ctx.header("Aami-Continue", last.executedAt().toEpochMilli() + ":" + last.seq());
        }
        ctx.json(page);
    }

    private static Instant instant(String raw, Instant def) {
        if (raw == null || raw.isBlank()) {
            return def;
        }
        try {
            return Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("since", "'" + raw + "' is not an ISO-8601 timestamp such as 2030-01-31T12:00:00Z");
        }
    }

    private static CheckResultStore.PageMark mark(String raw) {
        if (raw == null || raw.isBlank()) {
            return new CheckResultStore.PageMark(Instant.parse("9999-12-31T00:00:00Z"), Long.MAX_VALUE);
        }
        String[] parts = raw.split(":");
        try {
            return new CheckResultStore.PageMark(Instant.ofEpochMilli(Long.parseLong(parts[0])), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw ApiException.invalid("continue", "is not a value from the Aami-Continue header");
        }
    }
}
