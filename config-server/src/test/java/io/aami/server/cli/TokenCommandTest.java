package io.aami.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code token create} refuses before it asks any server (the process tests in install cover the rest). */
class TokenCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new TokenCommand(new CommandContext(env, new PrintStream(out), new PrintStream(err), Clock.systemUTC(),
                dir.resolve("none.yaml")))
                .run(List.of(args));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aServerThatIsNoUrlIsRefusedWithTheFormItTakes() {
        assertThat(run(Map.of("AAMI_ADMIN_TOKEN", "admin-token-0123456789"), "create", "--server", "127.0.0.1:8443")).isEqualTo(1);
        assertThat(err()).contains("--server takes https://HOST:PORT").contains("'127.0.0.1:8443'");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aMistypedOptionOrValueIsAUsageError() {
        assertThat(run(Map.of(), "create", "--max-use", "5")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--max-use'").contains("usage: token create");
        assertThat(run(Map.of(), "create", "--ttl", "a day")).isEqualTo(2);
        assertThat(run(Map.of(), "create", "--group-id", "not-a-uuid")).isEqualTo(2);
        assertThat(run(Map.of(), "list")).isEqualTo(2);
    }

    @Test
    void anInvalidServerConfigurationIsNamed() throws Exception {
        Path cfg = Files.writeString(dir.resolve("server.yaml"), "listen: nowhere\n");
        assertThat(run(Map.of(), "create", "--config", cfg.toString())).isEqualTo(2);
        assertThat(err()).contains("the server's configuration is invalid").contains("listen");
    }
}
