package io.aami.agent.probes;

/** Strict hex decoding of probe payloads: pairs of hex digits, nothing else. */
final class Hex {
    private Hex() {
    }

    /** {@code text} decoded; null or empty gives an empty array. */
    static byte[] decode(String field, String text, int maxBytes) {
        if (text == null || text.isEmpty()) {
            return new byte[0];
        }
        if (text.length() % 2 != 0) {
            throw new InvalidProbeException(field, field + " must be hex digit pairs; got an odd number of digits ("
                    + text.length() + ")");
        }
        if (text.length() / 2 > maxBytes) {
            throw new InvalidProbeException(field, field + " must be at most " + maxBytes + " bytes, got " + text.length() / 2);
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new InvalidProbeException(field, field + " must be hex; '" + text.substring(2 * i, 2 * i + 2)
                        + "' at offset " + 2 * i + " is not");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** True when {@code needle} occurs in {@code haystack[0, length)}. */
    static boolean contains(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
