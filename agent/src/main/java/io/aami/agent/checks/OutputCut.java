package io.aami.agent.checks;

import java.nio.charset.StandardCharsets;

/**
 * How check output is cut to {@code checks.output_max_bytes}: the first bytes of its UTF-8 form, never
 * half a character. One rule for the agent's own runs ({@link OutputCollector}) and for results local
 * programs post to the local API, so neither takes more of the spool than the other.
 */
public final class OutputCut {
    private OutputCut() {
    }

    /**
     * The first {@code length} bytes of {@code bytes} as text, or, when {@code length > maxBytes}, the first
     * {@code maxBytes} cut back to a UTF-8 character boundary ({@code bytes[maxBytes]} is then read to find it).
     */
    static String prefix(byte[] bytes, int length, int maxBytes) {
        int end = Math.min(length, maxBytes);
        if (length > maxBytes) {
            // A UTF-8 character is at most 4 bytes, so at most 3 continuation bytes (10xxxxxx) to step back over.
            for (int back = 0; back < 3 && end > 0 && (bytes[end] & 0xC0) == 0x80; back++) {
                end--;
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** {@code text} when its UTF-8 form fits in {@code maxBytes}, else its longest prefix that does. */
    public static String cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? text : prefix(bytes, bytes.length, maxBytes);
    }
}
