package io.aami.common.policy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A minimal JSON writer whose output is fully specified here rather than by a library version, so
 * a server and an agent built months apart produce the same bytes: no whitespace, fields in the
 * order written, map keys sorted by UTF-16 code units, strings escaped as in RFC 8785 (plus
 * escaped lone surrogates so distinct strings never encode alike), instants as UTC ISO-8601 with
 * exactly nine fractional digits.
 */
final class CanonicalJson {
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the current object or array already has a member, so the next one needs a comma. */
    private boolean needsComma;

    CanonicalJson beginObject() {
        separate();
        out.append('{');
        needsComma = false;
        return this;
    }

    CanonicalJson endObject() {
        out.append('}');
        needsComma = true;
        return this;
    }

    CanonicalJson beginArray() {
        separate();
        out.append('[');
        needsComma = false;
        return this;
    }

    CanonicalJson endArray() {
        out.append(']');
        needsComma = true;
        return this;
    }

    /** Starts a member; the value written next belongs to it. */
    CanonicalJson name(String name) {
        separate();
        string(name);
        out.append(':');
        needsComma = false;
        return this;
    }

    CanonicalJson value(String s) {
        separate();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        needsComma = true;
        return this;
    }

    CanonicalJson value(long n) {
        separate();
        out.append(n);
        needsComma = true;
        return this;
    }

    CanonicalJson value(Integer n) {
        return n == null ? nullValue() : value(n.longValue());
    }

    CanonicalJson value(Long n) {
        return n == null ? nullValue() : value(n.longValue());
    }

    CanonicalJson value(boolean b) {
        separate();
        out.append(b);
        needsComma = true;
        return this;
    }

    CanonicalJson value(UUID id) {
        return value(id == null ? null : id.toString());
    }

    CanonicalJson value(Instant t) {
        return value(t == null ? null : INSTANT.format(t));
    }

    CanonicalJson strings(List<String> list) {
        if (list == null) {
            return nullValue();
        }
        beginArray();
        list.forEach(this::value);
        return endArray();
    }

    /** A string map with keys sorted, so the order a map happens to iterate in never matters. */
    CanonicalJson stringMap(Map<String, String> map) {
        if (map == null) {
            return nullValue();
        }
        // Immutable maps refuse containsKey(null), so look at the keys themselves.
        if (map.keySet().stream().anyMatch(k -> k == null)) {
            throw new IllegalArgumentException("a policy map has a null key; it cannot be canonicalised");
        }
        beginObject();
        new TreeMap<>(map).forEach((k, v) -> name(k).value(v));
        return endObject();
    }

    CanonicalJson nullValue() {
        separate();
        out.append("null");
        needsComma = true;
        return this;
    }

    /**
     * Appends members rendered by another writer (a fragment that {@link #fragment} returned) as the
     * next members of the current object.
     */
    CanonicalJson members(String fragment) {
        separate();
        out.append(fragment);
        needsComma = true;
        return this;
    }

    /** What was written so far, as text: a fragment for {@link #members}. */
    String fragment() {
        return out.toString();
    }

    byte[] toBytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void separate() {
        if (needsComma) {
            out.append(',');
            needsComma = false;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(s, i)) {
                        String hex = Integer.toHexString(c);
                        out.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** UTF-8 would turn every lone surrogate into '?', making different strings encode alike. */
    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
