package io.aami.terraform.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MsgpackTest {
    private static final ObjectSchema SCHEMA = new ObjectSchema("t", List.of(
            Attr.required("name", AttrType.STRING, ""), Attr.optional("n", AttrType.NUMBER, ""),
            Attr.optional("on", AttrType.BOOL, ""), Attr.optional("labels", AttrType.STRING_MAP, ""),
            Attr.optional("cidrs", AttrType.STRING_LIST, ""), Attr.computed("id", AttrType.STRING, "")));

    @Test
    void everyAttributeIsWrittenAndReadBackWithUnknownsAndNulls() {
        Map<String, Object> v = new HashMap<>(Map.of("name", "web", "n", 60L, "on", true,
                "labels", Map.of("env", "prod"), "cidrs", List.of("10.0.0.0/8")));
        v.put("id", Unknown.VALUE);
        Map<String, Object> back = Msgpack.decodeObject(Msgpack.encode(SCHEMA, v));
        assertThat(back).containsExactlyEntriesOf(SCHEMA.complete(v));
        assertThat(back.get("id")).isSameAs(Unknown.VALUE);

        // Terraform refuses an object missing attributes: absent ones are written as nil.
        Map<String, Object> sparse = Msgpack.decodeObject(Msgpack.encode(SCHEMA, Map.of("name", "x")));
        assertThat(sparse).hasSize(6).containsEntry("name", "x").containsEntry("n", null);
    }

    @Test
    void unknownIsExtensionZeroAndANullObjectIsNil() {
        byte[] b = Msgpack.encode(new ObjectSchema("t", List.of(Attr.computed("id", AttrType.STRING, ""))),
                Map.of("id", Unknown.VALUE));
        assertThat(b).containsExactly(0x81, 0xa2, 'i', 'd', 0xd4, 0x00, 0x00);
        assertThat(Msgpack.encode(SCHEMA, null)).containsExactly(0xc0);
        assertThat(Msgpack.decodeObject(new byte[] {(byte) 0xc0})).isNull();
        assertThatThrownBy(() -> Msgpack.decodeObject(new byte[] {(byte) 0xd4, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
