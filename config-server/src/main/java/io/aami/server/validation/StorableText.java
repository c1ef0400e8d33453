package io.aami.server.validation;

import io.aami.server.error.ApiException;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text PostgreSQL can store: no NUL (text and jsonb cannot hold U+0000) and no lone UTF-16 surrogate
 * (not a character; it cannot be encoded as UTF-8). Checked once for every string of every JSON body,
 * keys included, and for query parameters, so no feature can forget it and turn it into a 500.
 */
public final class StorableText {
    private StorableText() {
    }

    /** Null when {@code s} is storable, else what is wrong with it. */
    public static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return "must not contain the NUL character (U+0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain a lone UTF-16 surrogate (U+" + Integer.toHexString(c).toUpperCase() + ")";
            }
        }
        return null;
    }

    /** Refuses {@code value} with a 400 naming {@code field} unless it is storable. */
    public static String require(String field, String value) {
        String problem = value == null ? null : problem(value);
        if (problem != null) {
            throw ApiException.invalid(field, problem);
        }
        return value;
    }

    /** Refuses the document with a 400 naming the path of its first unstorable string, key or value. */
    public static void requireIn(JsonNode node) {
        walk("", node);
    }

    private static void walk(String path, JsonNode node) {
        if (node.isTextual()) {
            require(path.isEmpty() ? "(body)" : path, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(path + "[" + i + "]", node.get(i));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                String keyProblem = problem(e.getKey());
                if (keyProblem != null) {
                    throw ApiException.invalid(printable(child), "a field name " + keyProblem);
                }
                walk(child, e.getValue());
            }
        }
    }

    /** The path with unprintable characters escaped, so the error body itself is storable and readable. */
    private static String printable(String path) {
        StringBuilder out = new StringBuilder();
        path.chars().forEach(c -> out.append(c < 0x20 || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
