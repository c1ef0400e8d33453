package io.aami.agent.api;

/**
 * What one route's request body may hold, declared by the route. The body is parsed as it streams in,
 * never buffered whole, and the parse stops at the first limit passed, so what a body turns into on the
 * heap is bounded by these numbers, not by how small each element is on the wire (an empty object
 * {@code {}} is 3 bytes there and some 50 as a Java object).
 *
 * @param maxBytes         bytes on the wire; beyond, 413 {@code PAYLOAD_TOO_LARGE}
 * @param maxArrayElements elements of any one array in the body; beyond, {@code tooMany} is thrown
 * @param maxStringChars   characters of any one string; beyond, 400 {@code MALFORMED_JSON}
 * @param tooMany          the route's own refusal of too many elements (built once: it carries no stack trace)
 */
public record BodyLimits(long maxBytes, int maxArrayElements, int maxStringChars, LocalApiException tooMany) {
    public BodyLimits {
        if (maxBytes < 1 || maxBytes > LocalApi.MAX_BODY || maxArrayElements < 1 || maxStringChars < 1) {
            throw new IllegalArgumentException("body limits must be positive and at most " + LocalApi.MAX_BODY + " bytes");
        }
    }
}
