package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutputCollectorTest {
    private static OutputCollector collect(String text, int max) throws InterruptedException {
        OutputCollector c = new OutputCollector(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        c.run();
        assertThat(c.awaitEnd(Duration.ZERO)).isTrue();
        return c;
    }

    @Test
    void outputWithinTheCapIsKeptWhole() throws Exception {
        OutputCollector c = collect("héllo €", 10);
        assertThat(c.text()).isEqualTo("héllo €");
        assertThat(c.truncated()).isFalse();
    }

    @Test
    void theCutNeverSplitsAUtf8Character() throws Exception {
        // "aaaaaaaaa" is 9 bytes, "€" 3 more: a 10- or 11-byte cap falls inside the euro sign.
        assertThat(collect("aaaaaaaaa€€", 10).text()).isEqualTo("aaaaaaaaa");
        assertThat(collect("aaaaaaaaa€€", 11).text()).isEqualTo("aaaaaaaaa");
        assertThat(collect("aaaaaaaaa€€", 12).text()).isEqualTo("aaaaaaaaa€");
        assertThat(collect("aaaaaaaaa😀", 12).text()).isEqualTo("aaaaaaaaa");
        OutputCollector c = collect("aaaaaaaaa€€", 10);
        assertThat(c.truncated()).isTrue();
    }

    @Test
    void exactlyTheCapIsNotTruncated() throws Exception {
        OutputCollector c = collect("abcd", 4);
        assertThat(c.text()).isEqualTo("abcd");
        assertThat(c.truncated()).isFalse();
        assertThat(collect("abcde", 4).truncated()).isTrue();
    }

    @Test
    void nulBytesBecomeReplacementCharactersSoTheServerCanStoreTheResult() throws Exception {
        OutputCollector c = collect("bin\u0000ary\u0000", 64);
        assertThat(c.text()).isEqualTo("bin\uFFFDary\uFFFD").doesNotContain("\u0000");
    }

    @Test
    void theRestOfARunsOutputIsTakenWithoutWaitingForAWriterStillHoldingThePipe() throws Exception {
        // The writer stands for a copy of the pipe held outside the run: it never closes its end.
        Process holder = new ProcessBuilder("sh", "-c", "printf 'last words'; exec sleep 60").start();
        try {
            OutputCollector c = new OutputCollector(holder.getInputStream(), 64);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (holder.getInputStream().available() < "last words".length() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(5), c::drainRest);
            assertThat(c.awaitEnd(Duration.ZERO)).isTrue();
            assertThat(c.text()).isEqualTo("last words");
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }
}
