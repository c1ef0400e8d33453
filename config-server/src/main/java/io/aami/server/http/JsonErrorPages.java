package io.aami.server.http;

import io.aami.contract.ErrorCode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.ErrorBody;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's answer to requests that never reach a route — a bad request line, an illegal header, an
 * invalid URI or chunk, headers too large — in the API's error shape {@code {"error","code","field"}}
 * instead of Jetty's HTML page. Jetty's status is kept; its reason is passed on without control
 * characters and never with a stack trace. An unsupported version or transfer coding (501, 505) is a 400.
 * A request cut off because this server is stopping (Jetty closes the connections it was still reading) is a 503
 * with a jittered {@code Retry-After}, so an agent tries again, perhaps on another replica; a request that ended
 * early for any other reason is the client's (400), never a 500.
 */
final class JsonErrorPages extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorPages.class);
    private static final int MAX_REASON = 200;

    private final ObjectMapper mapper;

    JsonErrorPages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) throws JsonProcessingException {
        if (status == 501 || status == 505) {
            // An unknown HTTP version or transfer coding is the client's error, like any other bad input.
            status = 400;
            response.setStatus(status);
        }
        boolean stopping = ServerStopping.of(request);
        if (status >= 500 && status != 503 && (stopping || cause instanceof EofException)) {
            status = stopping ? 503 : 400;
            message = stopping ? ServerStopping.MESSAGE : "the request ended before it was complete";
            response.setStatus(status);
            if (stopping) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(ServerStopping.retryAfter().toSeconds()));
            }
        }
        if (status >= 500) {
            // Jetty's own 5xx (a request cut off while the server stops, for one) is otherwise seen nowhere but by the client.
            LOG.warn("Jetty answered {} for {} {}: {}", status, request.getMethod(), request.getHttpURI().getPath(),
                    cause != null ? cause.toString() : message);
        }
        ErrorBody body = new ErrorBody(sentence(status, message), code(status).name(), null);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty closes a connection whose request it could not parse; saying so keeps a client from reusing it.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(mapper.writeValueAsBytes(body)), callback);
    }

    static ErrorCode code(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.SERVER_BUSY;
            default -> status < 500 ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL;
        };
    }

    private static String sentence(int status, String message) {
        String reason = message == null || message.isBlank() ? "" : message.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON) + "...";
        }
        String what = status < 500 ? "malformed HTTP request" : "the server could not handle the request";
        return reason.isEmpty() ? what : what + ": " + reason;
    }
}
