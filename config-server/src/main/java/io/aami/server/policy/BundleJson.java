package io.aami.server.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A bundle's JSON document, byte for byte what the wire mapper writes for the {@link PolicyBundle}, put together from
 * the checks and probes (most of its bytes: scripts, labels) serialized once per content and spliced between each
 * target's own fields, so a change answered to thousands of long polls serializes its content once, not per agent.
 * Relies on the mapper writing a record's properties in declaration order without whitespace; {@code BundleJsonTest}
 * compares every document with the mapper's own.
 */
final class BundleJson {
    record Head(long version, UUID targetId, Instant generatedAt, Instant expiresAt) {
    }

    record Lists(List<CheckSpec> checks, List<ProbeSpec> probes) {
    }

    record Tail(String keyId, String signature) {
    }

    private BundleJson() {
    }

    /** The checks and probes members ({@code "checks":[…],"probes":[…]}), for {@link #document}. */
    static byte[] content(ObjectMapper mapper, List<CheckSpec> checks, List<ProbeSpec> probes) {
        return inside(write(mapper, new Lists(checks, probes)));
    }

    /** {@code bundle}'s document; {@code content} is {@link #content} of the very lists it carries. */
    static byte[] document(ObjectMapper mapper, PolicyBundle bundle, byte[] content) {
        byte[] head = inside(write(mapper, new Head(bundle.version(), bundle.targetId(), bundle.generatedAt(), bundle.expiresAt())));
        byte[] tail = inside(write(mapper, new Tail(bundle.keyId(), bundle.signature())));
        byte[] out = new byte[head.length + content.length + tail.length + 4];
        int at = 0;
        out[at++] = '{';
        at = put(out, at, head);
        out[at++] = ',';
        at = put(out, at, content);
        out[at++] = ',';
        at = put(out, at, tail);
        out[at] = '}';
        return out;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    /** An object's members without its braces. */
    private static byte[] inside(byte[] object) {
        byte[] out = new byte[object.length - 2];
        System.arraycopy(object, 1, out, 0, out.length);
        return out;
    }

    private static byte[] write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
