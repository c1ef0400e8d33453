package io.aami.agent.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.aami.common.json.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One local API request: bounded body parsing (within a route's {@link BodyLimits}, in one of the API's
 * body slots), query parameters, JSON answers. Used by one thread.
 */
public final class Exchange {
    private final HttpExchange http;
    private final ObjectMapper mapper;
    private final BodySlots slots;
    private final BodyPool pool;
    private final AnswerBytes answers;
    private boolean holdsSlot;

    Exchange(HttpExchange http, ObjectMapper mapper, BodySlots slots, BodyPool pool, AnswerBytes answers) {
        this.http = http;
        this.mapper = mapper;
        this.slots = slots;
        this.pool = pool;
        this.answers = answers;
    }

    public Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = http.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /**
     * The body as {@code type}, parsed as it streams in within {@code limits} (see {@link BodyLimits}),
     * once this request holds one of its route's {@link BodyPool} slots (else 503 {@code BUSY}, the body unread).
     * Malformed, empty or too deep bodies are 400, too large ones 413.
     */
    public <T> T body(JavaType type, BodyLimits limits) {
        if (!holdsSlot) {
            slots.take(pool, this);
            holdsSlot = true;
        }
        try (JsonParser parser = new BoundedParser(parserFactory(limits).createParser(
                new BoundedInput(http.getRequestBody(), limits.maxBytes())), limits)) {
            if (parser.nextToken() == null) {
                throw LocalApiException.badRequest("MALFORMED_JSON", "request body is empty; expected JSON");
            }
            T value = mapper.readValue(parser, type);
            if (value == null) {
                throw LocalApiException.badRequest("MALFORMED_JSON", "request body is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            LocalApiException limit = limitIn(e, limits);
            if (limit != null) {
                throw limit;
            }
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw LocalApiException.badRequest("MALFORMED_JSON", "malformed JSON or wrong field type" + where);
        } catch (IOException e) {
            throw LocalApiException.badRequest("MALFORMED_JSON", "request body could not be read");
        }
    }

    public <T> T body(Class<T> type, BodyLimits limits) {
        return body(mapper.constructType(type), limits);
    }

    /**
     * Gives back the body slot, if this request took one: once the answer is built (see {@link #send}), and by
     * the API once the route is done, whatever happened. Safe to call twice.
     */
    void releaseSlot() {
        if (holdsSlot) {
            holdsSlot = false;
            slots.give(pool);
        }
    }

    /** The mapper's parser settings with {@code limits}' string and document bounds. */
    private JsonFactory parserFactory(BodyLimits limits) {
        JsonFactory factory = mapper.getFactory().copy();
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(WireJson.MAX_NESTING_DEPTH)
                .maxDocumentLength(limits.maxBytes())
                .maxStringLength(limits.maxStringChars())
                .maxNumberLength(64)
                .build());
        return factory;
    }

    /** The refusal for a limit passed mid-parse (data binding may have wrapped it on its way out), or null. */
    private static LocalApiException limitIn(Throwable e, BodyLimits limits) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LocalApiException l) {
                return l;
            }
            if (t instanceof StreamConstraintsException) {
                return LocalApiException.badRequest("MALFORMED_JSON", "JSON document exceeds the parser limits (strings of at most "
                        + limits.maxStringChars() + " characters, nesting of at most " + WireJson.MAX_NESTING_DEPTH + " levels)");
            }
        }
        return null;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Sets a response header; call before {@link #json} or {@link #send}. */
    public void responseHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    public void json(int status, Object value) throws IOException {
        send(status, "application/json", mapper.writeValueAsBytes(value));
    }

    /**
     * Writes the answer. The body slot is given back first: the body is parsed and the answer built, and a
     * client that never reads its answer would otherwise hold the slot for as long as the write blocks
     * (until the JDK server's response timeout). A large answer is kept within {@link AnswerBytes} instead.
     */
    public void send(int status, String contentType, byte[] body) throws IOException {
        int cost = AnswerBytes.cost(body.length);
        answers.take(cost, this);
        try {
            releaseSlot();
            http.getResponseHeaders().set("Content-Type", contentType);
            http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        } finally {
            answers.give(cost);
        }
    }

    /** The first value of request header {@code name}, or null. */
    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }
}
