package io.aami.server.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as the fuzzer builds it: unlike Jackson's tree it can hold what a hostile client sends and
 * a parser would refuse to make, namely a key twice in one object, a number literal beyond any Java type
 * ({@link Num}), lone surrogates and NUL in strings (written as {@code \\u} escapes, as JSON allows).
 */
final class Json {
    /** A number exactly as written: {@code 1e400}, {@code -0}, {@code 99999999999999999999}. */
    record Num(String literal) {
    }

    /** An object; a list of members, so one name may appear twice. */
    record Obj(List<Map.Entry<String, Object>> members) {
        Obj copy() {
            List<Map.Entry<String, Object>> out = new ArrayList<>();
            for (Map.Entry<String, Object> m : members) {
                out.add(new java.util.AbstractMap.SimpleEntry<>(m.getKey(), deepCopy(m.getValue())));
            }
            return new Obj(out);
        }
    }

    /** The JSON null (Java null is not allowed in the lists and entries here). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    static Object fromJackson(JsonNode n) {
        if (n.isObject()) {
            List<Map.Entry<String, Object>> members = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                members.add(new java.util.AbstractMap.SimpleEntry<>(f.getKey(), fromJackson(f.getValue())));
            }
            return new Obj(members);
        }
        if (n.isArray()) {
            List<Object> items = new ArrayList<>();
            n.forEach(i -> items.add(fromJackson(i)));
            return items;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isNumber()) {
            return new Num(n.asText());
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return NULL;
    }

    @SuppressWarnings("unchecked")
    static Object deepCopy(Object v) {
        if (v instanceof Obj o) {
            return o.copy();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            ((List<Object>) l).forEach(i -> out.add(deepCopy(i)));
            return out;
        }
        return v;
    }

    static byte[] write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + 16);
        // Every char below is either ASCII or part of a valid surrogate pair (lone ones are escaped), so UTF-8 is exact.
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void write(Object v, StringBuilder sb) {
        if (v instanceof Obj o) {
            sb.append('{');
            for (int i = 0; i < o.members().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                string(o.members().get(i).getKey(), sb);
                sb.append(':');
                write(o.members().get(i).getValue(), sb);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(l.get(i), sb);
            }
            sb.append(']');
        } else if (v instanceof String s) {
            string(s, sb);
        } else if (v instanceof Num n) {
            sb.append(n.literal());
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else {
            sb.append("null");
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                sb.append(c).append(s.charAt(++i));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
                sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
