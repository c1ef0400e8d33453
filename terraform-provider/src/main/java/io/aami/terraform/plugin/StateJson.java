package io.aami.terraform.plugin;

import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.ObjectSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/** A stored state (Terraform keeps it as JSON) as values of today's schema, nested blocks too. */
final class StateJson {
    private StateJson() {
    }

    static Map<String, Object> fromJson(ObjectSchema s, Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : s.attributes()) {
            Object v = raw.get(a.name());
            if (v instanceof Number n && a.type() == AttrType.NUMBER) {
                v = (n instanceof Double || n instanceof Float) && n.doubleValue() != Math.rint(n.doubleValue())
                        ? (Object) n.doubleValue() : (Object) n.longValue();
            }
            out.put(a.name(), v);
        }
        for (ObjectSchema.Block b : s.blocks()) {
            out.put(b.name(), raw.get(b.name()) instanceof Map<?, ?> m ? fromJson(b.schema(), ObjectSchema.cast(m)) : null);
        }
        return out;
    }
}
