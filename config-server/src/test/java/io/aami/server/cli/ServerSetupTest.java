package io.aami.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands find the server's setup in the server's own layers: config file &lt; AAMI_* &lt; --data-dir. */
class ServerSetupTest {
    @TempDir
    Path dir;

    private ServerSetup load(Map<String, String> env, Path defaultFile, String... args) {
        return ServerSetup.load(CommandOptions.parse(List.of(args), ServerSetup.OPTIONS), env, defaultFile);
    }

    @Test
    void theDataDirectoryComesFromTheFileThenTheEnvironmentThenTheFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("server.yaml"), "data_dir: \"" + dir.resolve("from-file") + "\"\n");
        Map<String, String> env = Map.of("AAMI_DATA_DIR", dir.resolve("from-env").toString());

        assertThat(load(Map.of(), null, "--config", file.toString()).config().dataDir()).isEqualTo(dir.resolve("from-file"));
        assertThat(load(env, null, "--config", file.toString()).config().dataDir()).isEqualTo(dir.resolve("from-env"));
        ServerSetup flagged = load(env, null, "--config=" + file, "--data-dir", dir.resolve("from-flag").toString());
        assertThat(flagged.config().dataDir()).isEqualTo(dir.resolve("from-flag"));
        assertThat(flagged.whereFrom()).contains(dir.resolve("from-flag").toString()).contains("--data-dir");
        assertThat(load(env, null).whereFrom()).contains("AAMI_DATA_DIR");
    }

    @Test
    void theServersDefaultConfigFileIsReadWhenItExistsAndNoOtherIsNamed() throws Exception {
        Path defaultFile = dir.resolve("config-server.yaml");
        ServerSetup none = load(Map.of(), defaultFile);
        assertThat(none.file()).isNull();
        assertThat(none.config().dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(none.whereFrom()).contains("default ./data").contains(defaultFile + " does not exist").contains("AAMI_DATA_DIR is unset");

        Files.writeString(defaultFile, "data_dir: \"" + dir.resolve("srv") + "\"\nadmin_token: \"admin-token-0123456789\"\n");
        ServerSetup byDefault = load(Map.of(), defaultFile);
        assertThat(byDefault.file()).isEqualTo(defaultFile);
        assertThat(byDefault.config().dataDir()).isEqualTo(dir.resolve("srv"));
        assertThat(byDefault.config().adminToken()).isEqualTo("admin-token-0123456789");
        assertThat(byDefault.whereFrom()).contains("from " + defaultFile);

        Path other = Files.writeString(dir.resolve("other.yaml"), "listen: \"127.0.0.1:9443\"\n");
        assertThat(load(Map.of(), defaultFile, "--config", other.toString()).config().listen().port()).isEqualTo(9443);
        assertThat(ServerArgs.configFile(new String[] {"--config", other.toString()})).isEqualTo(other);
    }

    @Test
    void theServersOwnRulesApply() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "dat_dir: /srv\n");
        assertThatThrownBy(() -> load(Map.of(), null, "--config", typo.toString())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dat_dir");
        assertThatThrownBy(() -> load(Map.of("AAMI_ADMIN_TOKEN", "short"), null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin_token");
        assertThatThrownBy(() -> load(Map.of(), null, "--config", dir.resolve("missing.yaml").toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml");
    }

    @Test
    void tokenCreateReachesTheServerWhereItListens() {
        assertThat(TokenCommand.defaultServer(load(Map.of(), null).config())).isEqualTo("https://127.0.0.1:8443");
        assertThat(TokenCommand.defaultServer(load(Map.of("AAMI_LISTEN", "[::]:9", "AAMI_TLS", "off"), null).config()))
                .isEqualTo("http://127.0.0.1:9");
        assertThat(TokenCommand.defaultServer(load(Map.of("AAMI_LISTEN", "10.0.0.5:8443"), null).config()))
                .isEqualTo("https://10.0.0.5:8443");
        assertThat(TokenCommand.defaultServer(load(Map.of("AAMI_LISTEN", "[fd00::1]:8443"), null).config()))
                .isEqualTo("https://[fd00::1]:8443");
    }

    @Test
    void anUnknownRepeatedOrIncompleteOptionIsRefused() {
        assertThatThrownBy(() -> load(Map.of(), null, "--data-dri", "x")).hasMessageContaining("unknown option '--data-dri'");
        assertThatThrownBy(() -> load(Map.of(), null, "--data-dir", "a", "--data-dir", "b")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> load(Map.of(), null, "--config")).hasMessageContaining("'--config' needs a value");
        assertThatThrownBy(() -> load(Map.of(), null, "stray")).hasMessageContaining("unexpected 'stray'");
    }
}
