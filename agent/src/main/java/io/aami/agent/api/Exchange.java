package io.aami.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One local API request: bounded body reading, query parameters, JSON answers. */
public final class Exchange {
    private final HttpExchange http;
    private final ObjectMapper mapper;
    private final long maxBody;

    Exchange(HttpExchange http, ObjectMapper mapper, long maxBody) {
        this.http = http;
        this.mapper = mapper;
        this.maxBody = maxBody;
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

    /** The body as {@code type}; malformed, empty, too deep or too large bodies are 400/413. */
    public <T> T body(JavaType type) {
        return body(type, maxBody);
    }

    /** As {@link #body(JavaType)}, for a route whose bodies are bounded tighter than the API's limit. */
    public <T> T body(Class<T> type, long maxBytes) {
        return body(mapper.constructType(type), Math.min(maxBytes, maxBody));
    }

    private <T> T body(JavaType type, long maxBytes) {
        byte[] bytes = readBody(maxBytes);
        if (bytes.length == 0) {
            throw LocalApiException.badRequest("MALFORMED_JSON", "request body is empty; expected JSON");
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw LocalApiException.badRequest("MALFORMED_JSON", "request body is JSON null");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw LocalApiException.badRequest("MALFORMED_JSON", "JSON document exceeds the parser limits");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw LocalApiException.badRequest("MALFORMED_JSON", "malformed JSON or wrong field type" + where);
        } catch (IOException e) {
            throw LocalApiException.badRequest("MALFORMED_JSON", "request body could not be read");
        }
    }

    public <T> T body(Class<T> type) {
        return body(mapper.constructType(type));
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

    public void send(int status, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }

    /** Streams a body of unknown length. */
    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    private byte[] readBody(long maxBytes) {
        try (InputStream in = http.getRequestBody()) {
            // At most one byte past the limit is read (readNBytes grows its buffer as data comes).
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new LocalApiException(413, "PAYLOAD_TOO_LARGE", "request body exceeds " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw LocalApiException.badRequest("MALFORMED_JSON", "request body could not be read");
        }
    }
}
