package io.aami.terraform.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Conv;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.FieldPath;
import io.aami.terraform.values.ObjectSchema;
import io.aami.terraform.values.Unknown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A nested block's values: to and from the API's JSON object, the operator's form kept, and their plain Java forms. */
final class BlockValues {
    private BlockValues() {
    }

    /** The JSON object {@code field} of {@code node} as block values; null when absent or null. */
    static Map<String, Object> fromJson(JsonNode node, ObjectSchema.Block block) {
        JsonNode v = node == null ? null : node.get(block.name());
        if (v == null || !v.isObject()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : block.schema().attributes()) {
            out.put(a.name(), Conv.fromJson(v, a.name(), a.type()));
        }
        return out;
    }

    /** The request's object: the values set, nulls left out (the server's defaults). */
    static Map<String, Object> body(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null && v != Unknown.VALUE) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The block's state from the server's object: per attribute, what the operator wrote ({@code raw}, null when left
     * out) where the server holds exactly what it makes of that ({@link OptionBlock#normalized}: a default, a
     * spelling), else the server's value (a change made outside Terraform, shown as a diff). Without {@code raw} (an
     * import, or a block the operator left out) a value is left out when the server would fill in the same without
     * it, so the block stays absent while everything in it is a default, and an import shows only what differs.
     */
    static Map<String, Object> operatorForm(OptionBlock b, Map<String, Object> raw, Map<String, Object> server,
                                            Map<String, Object> resource) {
        if (server == null) {
            return null;
        }
        Map<String, Object> normalized = raw == null ? null : b.normalized(raw, resource);
        Map<String, Object> out = new LinkedHashMap<>();
        boolean any = false;
        for (Attr a : b.block().schema().attributes()) {
            Object mine = raw == null ? null : raw.get(a.name());
            Object theirs = server.get(a.name());
            Map<String, Object> basis = raw != null ? normalized : b.normalized(without(server, a.name()), resource);
            Object v = basis != null && Objects.equals(theirs, basis.get(a.name())) ? mine : Conv.keepNullForEmpty(mine, theirs);
            out.put(a.name(), v);
            any |= v != null;
        }
        return raw == null && !any ? null : out;
    }

    private static Map<String, Object> without(Map<String, Object> values, String name) {
        Map<String, Object> out = new LinkedHashMap<>(values);
        out.put(name, null);
        return out;
    }

    /** Whether every value in the block is known (plan-time rules judge only known blocks). */
    static boolean known(Map<String, Object> raw) {
        return raw == null || raw.values().stream().allMatch(BlockValues::knownDeep);
    }

    private static boolean knownDeep(Object v) {
        if (v == Unknown.VALUE) {
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().allMatch(BlockValues::knownDeep);
        }
        return !(v instanceof List<?> l) || l.stream().allMatch(BlockValues::knownDeep);
    }

    /** A refusal by the API's rules, on the attribute the API's {@code field} path names inside {@code block}. */
    static void refuse(ObjectSchema.Block block, String field, String problem, Diags diags) {
        diags.error(FieldPath.of(new ObjectSchema("", List.of(), List.of(block)), field), "invalid " + field, field + ": " + problem);
    }

    /** A number attribute that is not whole: the API reads these as integers. */
    static boolean wholeNumbers(Map<String, Object> raw, ObjectSchema.Block block, Diags diags) {
        boolean whole = true;
        for (Attr a : block.schema().attributes()) {
            if (raw != null && a.type() == AttrType.NUMBER && raw.get(a.name()) instanceof Double d && d != Math.rint(d)) {
                refuse(block, block.name() + "." + a.name(), "must be a whole number", diags);
                whole = false;
            }
        }
        return whole;
    }

    static String str(Map<String, Object> raw, String name) {
        return Conv.str(raw, name);
    }

    /** A whole number as the API's Integer fields read it (beyond int, the nearest bound: refused all the same). */
    static Integer integer(Map<String, Object> raw, String name) {
        Long v = Conv.num(raw, name);
        return v == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    static Long number(Integer v) {
        return v == null ? null : v.longValue();
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> raw, String name) {
        return raw == null ? null : (List<String>) raw.get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> stringMap(Map<String, Object> raw, String name) {
        return raw == null ? null : (Map<String, String>) raw.get(name);
    }
}
