package io.aami.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {
    private final PrintStream original = System.err;

    @AfterEach
    void restore() {
        System.setErr(original);
        LogSetup.configure("info", "text");
    }

    private String capture(String format, Runnable logging) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        LogSetup.configure("info", format);
        logging.run();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textIsOneLinePerEventEvenWithAStackTrace() {
        String out = capture("text", () -> {
            LoggerFactory.getLogger("t").info("plain {}", 1);
            LoggerFactory.getLogger("t").warn("failed", new IllegalStateException("boom", new RuntimeException("root")));
            LoggerFactory.getLogger("t").debug("hidden");
        });
        String[] lines = out.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).endsWith("t: plain 1");
        assertThat(lines[1]).contains("t: failed | java.lang.IllegalStateException: boom").contains("root");
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        String out = capture("json", () -> LoggerFactory.getLogger("j").info("hello {}", "world"));
        String line = out.strip();
        assertThat(line).doesNotContain("\n");
        var node = new ObjectMapper().readTree(line);
        assertThat(node.get("level").asText()).isEqualTo("INFO");
        assertThat(node.get("formattedMessage").asText()).isEqualTo("hello world");
    }
}
