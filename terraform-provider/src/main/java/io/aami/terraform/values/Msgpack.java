package io.aami.terraform.values;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Terraform's msgpack encoding of values (the {@code DynamicValue}s of the protocol): null is nil, an
 * unknown value the extension type 0, an object a map holding every attribute of its schema (Terraform
 * refuses an object with attributes missing; a nested block is an object too, or nil), a number an integer when it is whole.
 */
public final class Msgpack {
    private Msgpack() {
    }

    /** An object of {@code schema}; null for a null object (a deleted resource). */
    public static byte[] encode(ObjectSchema schema, Map<String, Object> value) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            packObject(p, schema, value);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every attribute, then every nested block (an object of its schema, or nil when absent). */
    private static void packObject(MessageBufferPacker p, ObjectSchema schema, Map<String, Object> value) throws IOException {
        if (value == null) {
            p.packNil();
            return;
        }
        p.packMapHeader(schema.attributes().size() + schema.blocks().size());
        for (Attr a : schema.attributes()) {
            p.packString(a.name());
            pack(p, a.type(), value.get(a.name()));
        }
        for (ObjectSchema.Block b : schema.blocks()) {
            p.packString(b.name());
            packObject(p, b.schema(), value.get(b.name()) instanceof Map<?, ?> m ? ObjectSchema.cast(m) : null);
        }
    }

    private static void pack(MessageBufferPacker p, AttrType type, Object v) throws IOException {
        if (v == null) {
            p.packNil();
            return;
        }
        if (v == Unknown.VALUE) {
            p.packExtensionTypeHeader((byte) 0, 1);
            p.addPayload(new byte[] {0});
            return;
        }
        switch (type) {
            case STRING -> p.packString(v.toString());
            case BOOL -> p.packBoolean((Boolean) v);
            case NUMBER -> {
                Number n = (Number) v;
                if (n instanceof Double || n instanceof Float) {
                    p.packDouble(n.doubleValue());
                } else {
                    p.packLong(n.longValue());
                }
            }
            case STRING_MAP -> {
                Map<?, ?> m = (Map<?, ?>) v;
                p.packMapHeader(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    p.packString(e.getKey().toString());
                    pack(p, AttrType.STRING, e.getValue());
                }
            }
            case STRING_LIST -> {
                List<?> l = (List<?>) v;
                p.packArrayHeader(l.size());
                for (Object o : l) {
                    pack(p, AttrType.STRING, o);
                }
            }
        }
    }

    /** A value as Java objects: maps, lists, strings, Long/Double, Boolean, null, {@link Unknown#VALUE}. */
    public static Object decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            return read(u);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An object value, or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decodeObject(byte[] bytes) {
        Object v = decode(bytes);
        if (v == Unknown.VALUE) {
            throw new IllegalArgumentException("the whole object is unknown");
        }
        return (Map<String, Object>) v;
    }

    private static Object read(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        ValueType t = f.getValueType();
        switch (t) {
            case NIL -> {
                u.unpackNil();
                return null;
            }
            case BOOLEAN -> {
                return u.unpackBoolean();
            }
            case INTEGER -> {
                return u.unpackLong();
            }
            case FLOAT -> {
                return u.unpackDouble();
            }
            case STRING -> {
                return u.unpackString();
            }
            case ARRAY -> {
                int n = u.unpackArrayHeader();
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(read(u));
                }
                return l;
            }
            case MAP -> {
                int n = u.unpackMapHeader();
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String k = u.unpackString();
                    m.put(k, read(u));
                }
                return m;
            }
            case EXTENSION -> {
                var h = u.unpackExtensionTypeHeader();
                u.readPayload(h.getLength());
                return Unknown.VALUE;
            }
            default -> throw new IOException("unexpected msgpack " + t);
        }
    }
}
