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

    /**
     * True when no string of the UTF-8 JSON document {@code json} (keys included) can hold a NUL or a
     * lone surrogate, proven from its bytes alone: no {@code \\u} escape, no NUL byte, and no byte
     * sequence a lenient UTF-8 decoder could turn into either (an overlong form, an encoded surrogate,
     * a lead byte that is never valid). False says only "look closer": the document is then walked as a
     * tree ({@link #requireIn}). Also false for UTF-16 and UTF-32 documents, which hold NUL bytes.
     */
    public static boolean surelyStorable(byte[] json) {
        for (int i = 0; i < json.length; i++) {
            int b = json[i] & 0xFF;
            if (b < 0x80 && b != '\\' && b != 0) {
                continue;
            }
            int next = i + 1 < json.length ? json[i + 1] & 0xFF : -1;
            boolean suspect = switch (b) {
                case 0, 0xC0, 0xC1 -> true;
                case '\\' -> next == 'u';
                case 0xE0 -> next < 0xA0; // overlong: could decode to U+0000
                case 0xED -> next >= 0xA0; // U+D800..U+DFFF encoded directly
                case 0xF0 -> next < 0x90; // overlong
                case 0xF4 -> next >= 0x90; // beyond U+10FFFF
                default -> b >= 0xF5;
            };
            if (suspect) {
                return false;
            }
            if (b == '\\') {
                i++; // an escaped character (\\, \", \n, ...) is never a NUL or a surrogate
            }
        }
        return true;
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
