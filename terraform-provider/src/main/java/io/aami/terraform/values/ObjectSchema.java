package io.aami.terraform.values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A block of attributes (no nested blocks): a resource's, a data source's or the provider's configuration. */
public record ObjectSchema(String description, List<Attr> attributes) {

    public Attr attr(String name) {
        for (Attr a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no attribute " + name);
    }

    /** A value of this schema with every attribute present (null where {@code values} has none). */
    public Map<String, Object> complete(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : attributes) {
            out.put(a.name(), values == null ? null : values.get(a.name()));
        }
        return out;
    }
}
