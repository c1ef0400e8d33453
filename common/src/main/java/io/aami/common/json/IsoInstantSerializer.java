package io.aami.common.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes an {@link Instant} exactly as {@link Instant#toString()} (ISO-8601, UTC, the fraction in groups of three
 * digits as needed), which is what the JavaTimeModule wrote, without a {@code DateTimeFormatter}: a /run_tasks answer
 * holds one instant per probe, and the formatter's field-by-field printing cost more than the rest of the result. The
 * date part ("2026-12-02T") is worked out once per day and kept; years outside 0000..9999 (a '+' or '-' in front)
 * are left to {@link Instant#toString()}.
 */
final class IsoInstantSerializer extends StdSerializer<Instant> {
    private static final long serialVersionUID = 1L;
    private static final long FIRST_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * 86_400L;
    private static final long AFTER_LAST_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400L;

    /** The last day printed: its epoch day and "yyyy-MM-ddT"; replaced whole, so threads never see half of one. */
    private record Day(long epochDay, String prefix) {
    }

    private transient volatile Day day;

    IsoInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        long seconds = value.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds >= AFTER_LAST_SECOND) {
            gen.writeString(value.toString());
            return;
        }
        char[] out = new char[30];
        int n = datePrefix(Math.floorDiv(seconds, 86_400L), out);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        n = two(secondOfDay / 3600, out, n);
        out[n++] = ':';
        n = two(secondOfDay / 60 % 60, out, n);
        out[n++] = ':';
        n = two(secondOfDay % 60, out, n);
        n = fraction(value.getNano(), out, n);
        out[n++] = 'Z';
        gen.writeString(out, 0, n);
    }

    private int datePrefix(long epochDay, char[] out) {
        Day d = day;
        if (d == null || d.epochDay() != epochDay) {
            d = new Day(epochDay, LocalDate.ofEpochDay(epochDay) + "T");
            day = d;
        }
        d.prefix().getChars(0, d.prefix().length(), out, 0);
        return d.prefix().length();
    }

    /** As ISO_INSTANT: nothing for a whole second, else 3, 6 or 9 digits, as many as the value needs. */
    private static int fraction(int nanos, char[] out, int n) {
        if (nanos == 0) {
            return n;
        }
        out[n++] = '.';
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
        for (int i = n + digits - 1; i >= n; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return n + digits;
    }

    private static int two(int value, char[] out, int n) {
        out[n] = (char) ('0' + value / 10);
        out[n + 1] = (char) ('0' + value % 10);
        return n + 2;
    }
}
