package io.aami.server.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link StorableText#surelyStorable}: true only when no string of the document can be unstorable. */
class StorableTextBytesTest {
    @Test
    void plainTextEscapesAndWellFormedUtf8AreSurelyStorable() {
        assertThat(StorableText.surelyStorable(utf8("{\"a\":\"OK - load 0.42\\n\\t\\\"q\\\"\"}"))).isTrue();
        assertThat(StorableText.surelyStorable(utf8("{\"a\":\"literal \\\\u0000 text\"}"))).isTrue();
        assertThat(StorableText.surelyStorable(utf8("{\"a\":\"é ह 한 힣 😀 \uFFFD\"}"))).isTrue();
    }

    @Test
    void anythingThatCouldDecodeToNulOrALoneSurrogateIsLookedAtCloser() {
        assertThat(StorableText.surelyStorable(utf8("{\"a\":\"\\u0000\"}"))).isFalse();
        assertThat(StorableText.surelyStorable(utf8("{\"a\":\"\\ud800\"}"))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xC0, 0x80, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xE0, 0x80, 0x80, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xED, 0xA0, 0x80, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xF0, 0x80, 0x80, 0x80, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xF4, 0x90, 0x80, 0x80, '"'))).isFalse();
        assertThat(StorableText.surelyStorable(bytes('"', 0xF8, '"'))).isFalse();
        assertThat(StorableText.surelyStorable("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE))).isFalse();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
