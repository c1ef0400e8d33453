package io.aami.server.policy;

import io.aami.server.http.LongPolls;
import io.aami.server.http.ServerStopping;
import io.aami.server.http.Params;
import io.aami.common.config.Durations;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.server.config.ServerConfig;
import io.aami.server.error.ApiException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/checks/target/{id}[?wait=30s]} with {@code If-None-Match}: the bundle at once
 * when the caller's version is stale, else (with {@code wait}) as soon as it changes, else 304.
 */
public final class PolicyHandler {
    private static final Pattern ETAG = Pattern.compile("(?:W/)?\"?(\\d{1,19})\"?");

    private final PolicyService service;
    private final PolicyWaiters waiters;
    private final ServerConfig.Policy config;
    private final PolicyKeyInfo keyInfo;
    private final ObjectMapper mapper;

    /** @param keyInfo the signing key and its rotation statements, served on {@code GET /api/v1/policy-key} */
    public PolicyHandler(PolicyService service, PolicyWaiters waiters, ServerConfig.Policy config, PolicyKeyInfo keyInfo,
                         ObjectMapper mapper) {
        this.keyInfo = keyInfo;
        this.mapper = mapper;
        this.service = service;
        this.waiters = waiters;
        this.config = config;
    }

    public void get(Context ctx) {
        UUID id = Params.pathId(ctx);
        long known = knownVersion(ctx.header("If-None-Match"));
        Duration wait = waitParam(ctx.queryParam("wait"));
        if (!wait.isZero() && waiters.released()) {
            // Stopping: parked now, the poll would be cut off (500) when the API stops a moment later.
            throw ServerStopping.refusal();
        }
        PolicyService.Cached now = service.forPoll(id, known);
        if (now.bundle().version() != known) {
            answer(ctx, Optional.of(now), known);
        } else if (wait.isZero()) {
            answer(ctx, Optional.empty(), known);
        } else {
            LongPolls.mark(ctx);
            ctx.future(() -> waiters.await(id, known, wait).thenAccept(result -> answer(ctx, result, known)));
        }
    }

    /** {@code GET /api/v1/policy-key}: public, like the CA; nothing in it is trusted beyond what verifies. */
    public void key(Context ctx) {
        ctx.json(keyInfo);
    }

    private void answer(Context ctx, Optional<PolicyService.Cached> bundle, long known) {
        ctx.header("Cache-Control", "no-cache");
        if (bundle.isPresent()) {
            // The mapper's document, its content serialized once for every target of the batch (BundleJson).
            ctx.header("ETag", "\"" + bundle.get().bundle().version() + "\"").contentType(ContentType.APPLICATION_JSON)
                    .result(bundle.get().json(mapper));
        } else {
            ctx.header("ETag", "\"" + known + "\"").status(304);
        }
    }

    private Duration waitParam(String raw) {
        if (raw == null || raw.isBlank()) {
            return Duration.ZERO;
        }
        try {
            Duration d = raw.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(raw)) : Durations.parse(raw);
            return d.compareTo(config.maxWait()) > 0 ? config.maxWait() : d;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("wait", "'" + raw + "' is not a duration like 30s");
        }
    }

    static long knownVersion(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return -1;
        }
        Matcher m = ETAG.matcher(ifNoneMatch.trim());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
