package io.aami.server.reliability;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What the fuzzer sends: a route's valid body (its seed) changed by a few generated {@link Edit}s (a value
 * replaced by a hostile one, a field removed, an unknown field added, a key repeated, a value buried deep) and
 * sometimes a byte-level {@link Twist} (cut short, invalid UTF-8, another top-level type, trailing garbage).
 * Hostile values: wrong types, strings with NUL, lone surrogates and every plane of Unicode, strings up to past
 * the body limit, numbers beyond every Java type, invalid, nil and misdirected ids, impossible timestamps.
 */
final class FuzzBodies {
    enum Kind { SET, REMOVE, ADD, DUPLICATE, NEST }

    /** One change to the seed; {@code pick} chooses the slot (any member or item, at any depth). */
    record Edit(Kind kind, int pick, Object value, String key) {
        @Override
        public String toString() {
            String v = new String(Json.write(value), StandardCharsets.UTF_8);
            return kind + "#" + pick + (kind == Kind.ADD || kind == Kind.DUPLICATE ? " " + key : "") + " "
                    + (v.length() > 120 ? v.substring(0, 120) + "…(" + v.length() + ")" : v);
        }
    }

    enum TwistKind { NONE, TRUNCATE, INVALID_UTF8, TOP_LEVEL, EMPTY, TRAILING }

    /** A change to the encoded bytes after the edits. */
    record Twist(TwistKind kind, int at, Object value) {
        @Override
        public String toString() {
            return kind == TwistKind.NONE ? "-" : kind + "@" + at + (kind == TwistKind.TOP_LEVEL ? " " + abbreviated(value) : "");
        }
    }

    /** A whole generated body: the edits, then the twist. */
    record Body(List<Edit> edits, Twist twist) {
    }

    private static final List<String> FIELD_NAMES = List.of("id", "name", "description", "labels", "group_id", "target_id",
            "global", "enabled", "role", "password", "disabled", "token", "agent_id", "hostname", "ip_address", "metadata",
            "csr", "agent_token_sha256", "results", "stream_epoch", "seq", "check_id", "probe_id", "status", "output",
            "executed_at", "created_at", "revoked_at", "action", "target_ids", "max_uses", "ttl_seconds", "expires_at",
            "allowed_cidrs", "interval_seconds", "timeout_seconds", "script", "interpreter", "env", "args", "__proto__",
            "constructor", "", "\u0000", "\ud800", "é", "🦀", "$where", "user", "revoke_tokens", "local_api");

    private static final List<String> SCALAR_STRINGS = List.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udc00x", "\ud83d",
            "🦀🦀", "\u202e\u200b", "\uffff\ufffe", "not-a-uuid", "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff", "{00000000-0000-0000-0000-000000000000}", "+300000-01-01T00:00:00Z",
            "-999999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2030-13-45T99:99:99Z",
            "2030-01-01T00:00:00Z", "1970-01-01T00:00:00+25:00", "10.0.0.0/33", "0.0.0.0/0", "::1", "999.1.1.1",
            "fe80::1%eth0", "127.0.0.1", "admin", "ADMIN", "viewer", "operator", "root", "move", "revoke", "ok", "warning",
            "critical", "unknown", "TCP", "UDP", "tcp", "ICMP", "sh", "bash", "/bin/sh", "true", "null", "NaN", "1e400",
            "-1", "'; DROP TABLE targets; --", "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "\\",
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----");

    private static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "1.5", "-1.5", "1e400", "-1e400", "1e-400",
            "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "99999999999999999999999", "0.1e1", "1E2", "65535", "65536", "100001", "86400", "31536000000", "4.9e-324",
            "1.7976931348623157e309", "123456789012345678901234567890123456789012345678901234567890123456789");

    private FuzzBodies() {
    }

    /** Bodies for a route; {@code ids} are the world's real ids (of any kind: a group's where a target's is wanted). */
    static Arbitrary<Body> bodies(List<String> ids) {
        Arbitrary<List<Edit>> edits = edit(ids).list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(edits, twist(ids)).as(Body::new);
    }

    static Arbitrary<Edit> edit(List<String> ids) {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Kind.SET)), Tuple.of(2, Arbitraries.just(Kind.REMOVE)),
                Tuple.of(2, Arbitraries.just(Kind.ADD)), Tuple.of(2, Arbitraries.just(Kind.DUPLICATE)), Tuple.of(1, Arbitraries.just(Kind.NEST)));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(FIELD_NAMES), Arbitraries.strings().all().ofMaxLength(12));
        return Combinators.combine(kind, Arbitraries.integers().between(0, 1_000), value(ids), key).as(Edit::new);
    }

    static Arbitrary<Twist> twist(List<String> ids) {
        Arbitrary<TwistKind> kind = Arbitraries.frequencyOf(Tuple.of(85, Arbitraries.just(TwistKind.NONE)),
                Tuple.of(4, Arbitraries.just(TwistKind.TRUNCATE)), Tuple.of(3, Arbitraries.just(TwistKind.INVALID_UTF8)),
                Tuple.of(5, Arbitraries.just(TwistKind.TOP_LEVEL)), Tuple.of(1, Arbitraries.just(TwistKind.EMPTY)),
                Tuple.of(2, Arbitraries.just(TwistKind.TRAILING)));
        return Combinators.combine(kind, Arbitraries.integers().between(0, 10_000), value(ids)).as(Twist::new);
    }

    /** A hostile JSON value. */
    static Arbitrary<Object> value(List<String> ids) {
        return Arbitraries.frequencyOf(
                Tuple.of(6, strings(ids)),
                Tuple.of(5, numbers()),
                Tuple.of(2, Arbitraries.of(Boolean.TRUE, Boolean.FALSE, Json.NULL)),
                Tuple.of(2, containers(ids)),
                Tuple.of(1, deep()),
                Tuple.of(1, longStrings()));
    }

    private static Arbitrary<Object> strings(List<String> ids) {
        Arbitrary<String> uuids = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()).toString());
        return Arbitraries.oneOf(Arbitraries.of(SCALAR_STRINGS), Arbitraries.of(ids), uuids,
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').withCharRange('\ud800', '\udfff').ofMaxLength(8))
                .map(s -> (Object) s);
    }

    private static Arbitrary<Object> numbers() {
        Arbitrary<String> big = Arbitraries.bigIntegers().between(BigInteger.TEN.pow(80).negate(), BigInteger.TEN.pow(80))
                .map(BigInteger::toString);
        Arbitrary<String> doubles = Arbitraries.doubles().map(d -> d.isNaN() || d.isInfinite() ? "1e999" : Double.toString(d));
        return Arbitraries.oneOf(Arbitraries.of(NUMBERS), Arbitraries.longs().map(l -> Long.toString(l)), big, doubles)
                .map(s -> (Object) new Json.Num(s));
    }

    private static Arbitrary<Object> containers(List<String> ids) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(strings(ids), numbers(), Arbitraries.of(Boolean.TRUE, Json.NULL));
        Arbitrary<Object> list = leaf.list().ofMaxSize(5).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> obj = Combinators.combine(Arbitraries.of(FIELD_NAMES), leaf).as(Map::entry).list().ofMaxSize(5)
                .map(es -> {
                    List<Map.Entry<String, Object>> members = new ArrayList<>();
                    es.forEach(e -> members.add(new java.util.AbstractMap.SimpleEntry<>(e.getKey(), e.getValue())));
                    return (Object) new Json.Obj(members);
                });
        return Arbitraries.oneOf(list, obj);
    }

    /** Arrays or objects nested 2 to 300 deep: past the parser's limit of 64 at the far end. */
    private static Arbitrary<Object> deep() {
        return Combinators.combine(Arbitraries.integers().between(2, 300), Arbitraries.of(true, false)).as((depth, arrays) -> {
            Object v = "x";
            for (int i = 0; i < depth; i++) {
                v = arrays ? new ArrayList<>(List.of(v))
                        : new Json.Obj(new ArrayList<>(List.of(new java.util.AbstractMap.SimpleEntry<>("a", v))));
            }
            return v;
        });
    }

    /** Long strings, some past the 1 MiB body limit (a 413, not a parse). */
    private static Arbitrary<Object> longStrings() {
        return Combinators.combine(Arbitraries.of(300, 4_000, 70_000, 300_000, 1_100_000), Arbitraries.of("x", "é", "🦀", "\u0000"))
                .as((n, unit) -> (Object) unit.repeat(n / unit.length()));
    }

    /** The seed changed by {@code body}, encoded. */
    static byte[] render(Object seed, Body body) {
        Object doc = Json.deepCopy(seed);
        for (Edit e : body.edits()) {
            doc = apply(doc, e);
        }
        byte[] bytes = Json.write(doc);
        Twist t = body.twist();
        return switch (t.kind()) {
            case NONE -> bytes;
            case TRUNCATE -> java.util.Arrays.copyOf(bytes, t.at() % Math.max(1, bytes.length));
            case INVALID_UTF8 -> splice(bytes, t.at() % Math.max(1, bytes.length), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
            case TOP_LEVEL -> Json.write(t.value());
            case EMPTY -> new byte[0];
            case TRAILING -> splice(bytes, bytes.length, " }{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        };
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert) {
        byte[] out = new byte[bytes.length + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
        return out;
    }

    /** A place a value sits: a member of an object or an item of an array. */
    private record Slot(Object container, int index) {
    }

    @SuppressWarnings("unchecked")
    private static Object apply(Object doc, Edit e) {
        List<Slot> slots = new ArrayList<>();
        List<Json.Obj> objects = new ArrayList<>();
        collect(doc, slots, objects);
        if (e.kind() == Kind.ADD) {
            if (!objects.isEmpty()) {
                objects.get(e.pick() % objects.size()).members().add(new java.util.AbstractMap.SimpleEntry<>(e.key(), Json.deepCopy(e.value())));
            }
            return doc;
        }
        if (slots.isEmpty()) {
            return doc;
        }
        Slot s = slots.get(e.pick() % slots.size());
        Object old = s.container() instanceof Json.Obj o ? o.members().get(s.index()).getValue() : ((List<Object>) s.container()).get(s.index());
        Object now = switch (e.kind()) {
            case NEST -> nest(old, 1 + e.pick() % 100);
            default -> Json.deepCopy(e.value());
        };
        if (s.container() instanceof Json.Obj o) {
            String name = o.members().get(s.index()).getKey();
            switch (e.kind()) {
                case REMOVE -> o.members().remove(s.index());
                case DUPLICATE -> o.members().add(s.index() + 1, new java.util.AbstractMap.SimpleEntry<>(name, now));
                default -> o.members().set(s.index(), new java.util.AbstractMap.SimpleEntry<>(name, now));
            }
        } else {
            List<Object> l = (List<Object>) s.container();
            switch (e.kind()) {
                case REMOVE -> l.remove(s.index());
                case DUPLICATE -> l.add(s.index() + 1, now);
                default -> l.set(s.index(), now);
            }
        }
        return doc;
    }

    private static Object nest(Object v, int depth) {
        Object out = v;
        for (int i = 0; i < depth; i++) {
            out = new ArrayList<>(List.of(out));
        }
        return out;
    }

    private static void collect(Object v, List<Slot> slots, List<Json.Obj> objects) {
        if (v instanceof Json.Obj o) {
            objects.add(o);
            for (int i = 0; i < o.members().size(); i++) {
                slots.add(new Slot(o, i));
                collect(o.members().get(i).getValue(), slots, objects);
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                slots.add(new Slot(l, i));
                collect(l.get(i), slots, objects);
            }
        }
    }

    static String abbreviated(Object v) {
        String s = new String(Json.write(v), StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
    }
}
