package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.probes.HttpProbeRules;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The response reader's bounds, and body_regex's budget: what a hostile server could otherwise make the loop do. */
class HttpResponseParserTest {
    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aHeadPastItsLimitIsMalformed() {
        HttpResponseParser p = new HttpResponseParser(false, false);
        String many = "HTTP/1.1 200 OK\r\n" + "X-Header: some value\r\n".repeat(1_000) + "\r\n";
        assertThatThrownBy(() -> p.feed(ascii(many))).isInstanceOf(HttpResponseParser.Malformed.class)
                .hasMessageContaining("exceed");
        String longLine = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(HttpProbeRules.RESPONSE_HEAD_LIMIT) + "\r\n\r\n";
        assertThatThrownBy(() -> new HttpResponseParser(false, false).feed(ascii(longLine)))
                .isInstanceOf(HttpResponseParser.Malformed.class);
    }

    @Test
    void conflictingLengthsAndBadStatusLinesAreMalformed() {
        assertThatThrownBy(() -> new HttpResponseParser(false, false).feed(ascii(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"))).isInstanceOf(HttpResponseParser.Malformed.class);
        assertThatThrownBy(() -> new HttpResponseParser(false, false).feed(ascii("SSH-2.0-OpenSSH_9.2\r\n")))
                .isInstanceOf(HttpResponseParser.Malformed.class);
        assertThatThrownBy(() -> new HttpResponseParser(false, false).feed(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))).isInstanceOf(HttpResponseParser.Malformed.class);
    }

    @Test
    void theBodyIsReadOnlyToItsLimitInByteSizedPieces() throws Exception {
        HttpResponseParser p = new HttpResponseParser(false, true);
        assertThat(p.feed(ascii("HTTP/1.1 200 OK\r\n"))).isFalse();
        assertThat(p.feed(ascii("Content-Length: 1000000\r\n\r\nstart"))).isFalse();
        boolean done = false;
        for (int i = 0; i < 100 && !done; i++) {
            done = p.feed(ascii("x".repeat(1024)));
        }
        assertThat(done).as("stops at the limit, not at the megabyte announced").isTrue();
        assertThat(p.body()).hasSize(HttpProbeRules.BODY_READ_LIMIT).startsWith("startx");
        assertThat(p.status()).isEqualTo(200);
    }

    @Test
    void interimAnswersAreSkippedAndAHeadAnswerHasNoBody() throws Exception {
        HttpResponseParser p = new HttpResponseParser(true, false);
        assertThat(p.feed(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"))).isTrue();
        assertThat(p.status()).isEqualTo(204);
        HttpResponseParser untilEnd = new HttpResponseParser(false, true);
        assertThat(untilEnd.feed(ascii("HTTP/1.0 200 OK\r\n\r\nall of it"))).isFalse();
        assertThat(untilEnd.end()).isTrue();
        assertThat(untilEnd.body()).isEqualTo("all of it");
        HttpResponseParser cut = new HttpResponseParser(false, true);
        cut.feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        assertThatThrownBy(cut::end).isInstanceOf(HttpResponseParser.Malformed.class);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCatastrophicRegexGivesUpAsNoMatch() {
        // Polynomial of degree 12 in the a's: minutes on the loop thread without the budget (the JDK's loop
        // memoization does not help here, as it does for (a+)+b).
        assertThat(BoundedMatch.find("(.*a){12}b", "a".repeat(40))).isFalse();
        assertThat(BoundedMatch.find("hel+o", "say hello")).isTrue();
    }
}
