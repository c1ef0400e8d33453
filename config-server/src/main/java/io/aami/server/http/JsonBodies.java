package io.aami.server.http;

import io.aami.server.validation.StorableText;
import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.aami.server.config.ServerConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Reads request bodies as JSON with a hard size limit that holds whatever the client claims:
 * with or without {@code Content-Length}, chunked, or gzip that inflates past the limit (413);
 * and within a deadline at a minimum rate (408, see {@link BodyDeadline}).
 * Parse failures become 400s that name the field, never a parser stack trace; so does any string
 * PostgreSQL could not store ({@link StorableText}) and any timestamp outside {@link Timestamps}' range.
 */
public final class JsonBodies {
    /** Beyond this much discarded body we stop being polite and let the connection close. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private final ObjectMapper mapper;
    private final long maxBytes;
    private final Duration readTimeout;
    private final long minRate;
    private final Clock clock;

    public JsonBodies(ObjectMapper mapper, ServerConfig.Http http, Clock clock) {
        this.mapper = mapper.copy().registerModule(Timestamps.module());
        this.maxBytes = http.maxBodyBytes();
        this.readTimeout = http.bodyReadTimeout();
        this.minRate = http.minBodyRateBytesPerSecond();
        this.clock = clock;
    }

    public <T> T read(Context ctx, Class<T> type) {
        return parse(readBytes(ctx), type);
    }

    /** {@link #read} after the body was read. */
    <T> T parse(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "request body is empty; expected JSON");
        }
        if (StorableText.surelyStorable(body)) {
            T direct = bindDirectly(body, type);
            if (direct != null) {
                return direct;
            }
        }
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                throw new ApiException(ErrorCode.MALFORMED_JSON, "request body is JSON null; expected a document");
            }
            StorableText.requireIn(tree);
            return mapper.treeToValue(tree, type);
        } catch (StreamConstraintsException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "JSON document exceeds the parser limits (nesting depth, string or number length)");
        } catch (JsonMappingException e) {
            throw mismatch(e);
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "malformed JSON" + location(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Binds a body whose bytes prove every string storable in one pass, without the tree: the common
     * case costs one parse, not two. Null when that fails in any way; the tree path then reads it again
     * and refuses it with the precise answer (which field, which rule), as it always has.
     */
    private <T> T bindDirectly(byte[] body, Class<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The raw body, bounded by the limit after any gzip inflation. */
    public byte[] readBytes(Context ctx) {
        try (BodyDeadline raw = BodyDeadline.of(ctx, ctx.req().getInputStream(), clock, readTimeout, minRate)) {
            return readBytes(ctx, raw);
        } catch (IOException e) {
            throw unreadable(ctx, e);
        } catch (ApiException e) {
            if (e.code() == ErrorCode.REQUEST_TIMEOUT) {
                // The rest of the body is not coming in time; the connection cannot be reused.
                ctx.header("Connection", "close");
            }
            throw e;
        }
    }

    private byte[] readBytes(Context ctx, InputStream raw) {
        if (ctx.contentLength() > maxBytes) {
            drain(raw, ctx.contentLength());
            throw tooLarge();
        }
        String encoding = ctx.header("Content-Encoding");
        try {
            InputStream in = raw;
            if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
                if (!"gzip".equalsIgnoreCase(encoding.trim())) {
                    throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding " + encoding + " is not supported; use gzip or none");
                }
                in = new GZIPInputStream(in);
            } else if (ctx.contentLength() >= 0) {
                // The container ends the stream at Content-Length (checked above against the limit): read exactly
                // that, with no last read only to learn the stream ended.
                return in.readNBytes((int) ctx.contentLength());
            }
            return readBounded(in);
        } catch (ApiException e) {
            if (e.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
                drain(raw, ctx.contentLength());
            }
            throw e;
        } catch (java.util.zip.ZipException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "request body is not valid gzip");
        } catch (IOException e) {
            throw unreadable(ctx, e);
        }
    }

    /** A body that could not be read: the client's fault (400), unless this server cut it off by stopping (503). */
    private static ApiException unreadable(Context ctx, IOException e) {
        return ServerStopping.of(ctx) ? ServerStopping.refusal()
                : new ApiException(ErrorCode.MALFORMED_JSON, "request body could not be read: " + e.getMessage());
    }

    /** At most one byte past the limit is read (readNBytes grows its buffer as data comes), then refused. */
    private byte[] readBounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        return bytes;
    }

    /**
     * Reads and discards what the client is still sending (up to {@link #DRAIN_LIMIT}) so it can read
     * our 413: a client blocked writing its body does not read the answer, and closing on it resets
     * the connection, losing the answer (nginx's lingering close, done here in the request).
     *
     * @param expected the declared Content-Length, or -1 when unknown (chunked): a declared length
     *                 beyond the limit is not drained, the connection is closed on it instead
     */
    private static void drain(InputStream in, long expected) {
        if (expected > DRAIN_LIMIT) {
            return;
        }
        try {
            byte[] sink = new byte[64 * 1024];
            long total = 0;
            int n;
            while (total < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
                total += n;
            }
        } catch (IOException | IllegalStateException | ApiException e) {
            // The client went away, is too slow or the stream is spent; the 413 goes out regardless.
        }
    }

    private ApiException tooLarge() {
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + maxBytes + " bytes");
    }

    private static ApiException mismatch(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String expected = e instanceof MismatchedInputException m ? "expected " + describe(m.getTargetType())
                : "has a value out of range or of the wrong type";
        if (field.isEmpty()) {
            return new ApiException(ErrorCode.MALFORMED_JSON, "request body has the wrong shape; " + expected);
        }
        return ApiException.invalid(field, expected);
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == Instant.class) {
            return Timestamps.EXPECTED;
        }
        if (type == String.class) {
            return "a string";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object of string values";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
        }
        return "an object";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
