package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import io.aami.contract.ErrorBody;
import io.aami.server.db.DataAccessException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place where failures become HTTP answers. Known refusals carry their own code;
 * an unreachable database is a 503 with {@code Retry-After}; a value the database refuses that
 * validation let through (SQLSTATE class 22 data exception, class 23 integrity violation) is the
 * request's fault: 400 (409 for a duplicate), logged as a validation gap; anything unexpected is
 * logged with its stack trace and answered with a generic 500 that names the request id, never the trace.
 * Malformed HTTP that never reaches a route is answered by {@link JsonErrorPages} in the same shape. A browser asking
 * for a console page gets the same status as an HTML page ({@link ErrorPages}) instead, the code in its
 * {@code data-error-code}; a page without a live session sends it to log in.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private static final Duration DB_RETRY_AFTER = Duration.ofSeconds(5);

    private final ErrorPages pages;

    public ErrorMapper(ErrorPages pages) {
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> {
            if (e.code() == ErrorCode.UNAUTHORIZED && ConsolePages.isPage(ctx)) {
                // A console page without a live session: the browser is sent to log in, not shown JSON.
                ctx.status(303).header("Location", ConsolePages.LOGIN);
                return;
            }
            write(ctx, e);
        });
        routes.exception(DataAccessException.class, (e, ctx) -> {
            if (e.unavailable()) {
                LOG.warn("database unavailable for {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                write(ctx, ApiException.retryLater(ErrorCode.DATABASE_UNAVAILABLE,
                        "the database is unavailable; retry later", DB_RETRY_AFTER));
            } else if (dataRejected(e.sqlState())) {
                LOG.warn("database refused a value in {} {} (request {}, SQLSTATE {}): {}", ctx.method(), ctx.path(),
                        RequestIds.of(ctx), e.sqlState(), e.getMessage());
                write(ctx, e.uniqueViolation()
                        ? new ApiException(ErrorCode.ALREADY_EXISTS, "the request conflicts with an existing record")
                        : new ApiException(ErrorCode.VALIDATION_FAILED, "the request holds a value the database cannot store"));
            } else {
                unexpected(ctx, e);
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(ctx, e)));
        routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                write(ctx, new ApiException(ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    private void write(Context ctx, ApiException e) {
        if (e.retryAfter() != null) {
            ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        ctx.status(e.code().status());
        if (ConsolePages.isPage(ctx) && renderedPage(ctx, e)) {
            return;
        }
        ctx.json(new ErrorBody(e.getMessage(), e.code().name(), e.field()));
    }

    /** The error as a console page; a page that fails to render is logged and the JSON body answers instead. */
    private boolean renderedPage(Context ctx, ApiException e) {
        try {
            return pages.render(ctx, e);
        } catch (RuntimeException failed) {
            LOG.error("the error page for {} {} (request {}) failed to render", ctx.method(), ctx.path(), RequestIds.of(ctx), failed);
            return false;
        }
    }

    private static ApiException fromJavalin(Context ctx, HttpResponseException e) {
        if (e.getStatus() >= 500) {
            // Javalin's own 5xx (an async request it gave up on, for one): the client sees only "internal error".
            LOG.warn("Javalin answered {} for {} {} (request {}): {}", e.getStatus(), ctx.method(), ctx.path(), RequestIds.of(ctx),
                    e.getMessage());
        }
        return switch (e.getStatus()) {
            case 404 -> new ApiException(ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path());
            case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED, "method " + ctx.method() + " is not allowed on " + ctx.path());
            case 413 -> new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
            case 401 -> new ApiException(ErrorCode.UNAUTHORIZED, "authentication required");
            case 403 -> new ApiException(ErrorCode.FORBIDDEN, "forbidden");
            default -> e.getStatus() < 500
                    ? new ApiException(ErrorCode.VALIDATION_FAILED, "bad request")
                    : new ApiException(ErrorCode.INTERNAL, "internal error");
        };
    }

    /**
     * SQLSTATE class 22 (data exception: NUL or a bad escape in text or jsonb, a date or number out of
     * range) or 23 (integrity constraint violation): the database refused a value, it did not fail.
     */
    private static boolean dataRejected(String state) {
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private void unexpected(Context ctx, Exception e) {
        String requestId = RequestIds.of(ctx);
        LOG.error("unexpected failure in {} {} (request {})", ctx.method(), ctx.path(), requestId, e);
        write(ctx, new ApiException(ErrorCode.INTERNAL, "internal error; the server log has details under request id " + requestId));
    }
}
