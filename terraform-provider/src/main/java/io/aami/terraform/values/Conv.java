package io.aami.terraform.values;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Between the API's JSON and Terraform values, and the rules that keep a plan free of spurious diffs. */
public final class Conv {
    private Conv() {
    }

    /** The JSON field {@code field} of {@code node} as a value of {@code type} (null when absent or null). */
    public static Object fromJson(JsonNode node, String field, AttrType type) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return switch (type) {
            case STRING -> v.asText();
            case NUMBER -> v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble();
            case BOOL -> v.asBoolean();
            case STRING_MAP -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
                yield m;
            }
            case STRING_LIST -> {
                List<Object> l = new ArrayList<>();
                v.forEach(x -> l.add(x.asText()));
                yield l;
            }
        };
    }

    /**
     * The server's value, except that an empty string, map or list stands for the null the operator wrote
     * ({@code reference} null): the API answers {@code labels: {}} and {@code description: ""} for
     * "none", which must not show as a diff against a configuration that leaves them out.
     */
    public static Object keepNullForEmpty(Object reference, Object fromServer) {
        if (reference == null && isEmpty(fromServer)) {
            return null;
        }
        return fromServer;
    }

    public static boolean isEmpty(Object v) {
        return v == null || (v instanceof String s && s.isEmpty()) || (v instanceof Map<?, ?> m && m.isEmpty())
                || (v instanceof List<?> l && l.isEmpty());
    }

    public static boolean isKnown(Object v) {
        return v != Unknown.VALUE;
    }

    public static String str(Map<String, Object> values, String name) {
        Object v = values == null ? null : values.get(name);
        return v == null || v == Unknown.VALUE ? null : v.toString();
    }

    public static Long num(Map<String, Object> values, String name) {
        Object v = values == null ? null : values.get(name);
        return v instanceof Number n ? n.longValue() : null;
    }

    public static Boolean bool(Map<String, Object> values, String name) {
        Object v = values == null ? null : values.get(name);
        return v instanceof Boolean b ? b : null;
    }
}
