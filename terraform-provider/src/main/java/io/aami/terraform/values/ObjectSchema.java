package io.aami.terraform.values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block of attributes and nested blocks: a resource's, a data source's or the provider's configuration. Nested
 * blocks are single ({@code http { ... }}): a value is an object of their schema, or null when the block is absent.
 */
public record ObjectSchema(String description, List<Attr> attributes, List<Block> blocks) {

    /** A nested block that appears at most once; its value is an object of {@code schema} or null. */
    public record Block(String name, ObjectSchema schema) {
    }

    public ObjectSchema(String description, List<Attr> attributes) {
        this(description, attributes, List.of());
    }

    public Attr attr(String name) {
        for (Attr a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no attribute " + name);
    }

    /** A value of this schema with every attribute and block present (null where {@code values} has none). */
    public Map<String, Object> complete(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : attributes) {
            out.put(a.name(), values == null ? null : values.get(a.name()));
        }
        for (Block b : blocks) {
            out.put(b.name(), values != null && values.get(b.name()) instanceof Map<?, ?> m ? b.schema().complete(cast(m)) : null);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
