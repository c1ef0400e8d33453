package io.aami.server.http;

import io.aami.server.error.ApiException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one rule for timestamps a client sends, in bodies and query parameters: ISO-8601, between the
 * years 1 and 9999. PostgreSQL stores 4713 BC to 294276 AD and Java far more; anything outside our
 * range is a client error (400 naming the field), never a database overflow or an arithmetic
 * exception turning into a 500.
 */
public final class Timestamps {
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    static final String EXPECTED = "an ISO-8601 timestamp such as 2030-01-31T12:00:00Z, between the years 1 and 9999";

    private Timestamps() {
    }

    /** A query-parameter timestamp, or null when absent. */
    public static Instant parse(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return require(field, Instant.parse(raw.trim()));
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "'" + printable(raw) + "' is not " + EXPECTED);
        }
    }

    /** {@code value} if it lies in the storable range, else a 400 naming {@code field}. */
    public static Instant require(String field, Instant value) {
        if (value != null && !storable(value)) {
            throw ApiException.invalid(field, value + " is not " + EXPECTED);
        }
        return value;
    }

    public static boolean storable(Instant value) {
        return !value.isBefore(EARLIEST) && !value.isAfter(LATEST);
    }

    /** A Jackson module whose {@link Instant}s outside the range fail like any other bad value (400 with the field). */
    static SimpleModule module() {
        return new SimpleModule("aami-timestamps").addDeserializer(Instant.class, new Bounded());
    }

    private static String printable(String raw) {
        String s = raw.length() > 64 ? raw.substring(0, 64) + "..." : raw;
        return s.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
    }

    private static final class Bounded extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        Bounded() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Instant value = p.hasToken(JsonToken.VALUE_STRING) ? IsoInstants.parse(p.getText()) : null;
            if (value != null) {
                // The agents' form, read directly; its range is checked below like any other.
                return require(p, value);
            }
            try {
                value = InstantDeserializer.INSTANT.deserialize(p, ctxt);
            } catch (DateTimeException | ArithmeticException e) {
                throw InvalidFormatException.from(p, "timestamp out of range", p.getText(), Instant.class);
            }
            return value == null ? null : require(p, value);
        }

        private static Instant require(JsonParser p, Instant value) throws InvalidFormatException {
            if (!storable(value)) {
                throw InvalidFormatException.from(p, "timestamp out of range", value, Instant.class);
            }
            return value;
        }
    }
}
