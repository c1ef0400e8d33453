package io.aami.terraform.values;

import java.nio.charset.StandardCharsets;

/** The attribute types aami's schemas use, with their cty JSON type syntax (the schema's {@code type} bytes). */
public enum AttrType {
    STRING("\"string\""),
    NUMBER("\"number\""),
    BOOL("\"bool\""),
    STRING_MAP("[\"map\",\"string\"]"),
    STRING_LIST("[\"list\",\"string\"]");

    private final String json;

    AttrType(String json) {
        this.json = json;
    }

    public byte[] typeJson() {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
