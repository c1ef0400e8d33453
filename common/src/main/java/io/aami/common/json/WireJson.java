package io.aami.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON dialect on the wire: snake_case names, ISO-8601 instants, unknown fields ignored
 * (so an older agent and a newer server interoperate), and hard limits on what a parser will
 * accept so a hostile body cannot exhaust the heap or the stack.
 */
public final class WireJson {
    /** Deeper documents are refused; nothing we exchange nests more than a handful of levels. */
    public static final int MAX_NESTING_DEPTH = 64;

    private WireJson() {
    }

    /** A mapper whose documents may be up to {@code maxDocumentBytes} long. */
    public static ObjectMapper mapper(long maxDocumentBytes) {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxDocumentLength(maxDocumentBytes)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxDocumentBytes))
                .maxNumberLength(64)
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                // Added after JavaTimeModule, so its Instant serializer wins; it writes the same text, faster.
                .addModule(new SimpleModule("aami-instants").addSerializer(java.time.Instant.class, new IsoInstantSerializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // "22" or 22.5 for a port is a client bug worth a 400, not a silent 22.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A field an older peer does not send reads as false/0 rather than failing the document.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    /** A mapper for ordinary API documents (16 MiB ceiling; the HTTP layer enforces the real body limit). */
    public static ObjectMapper mapper() {
        return mapper(16L * 1024 * 1024);
    }
}
