package io.aami.server.console.bootstraptokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The install line drawn with a new token: the address from the Host header when it is one, never the token. */
class InstallCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "config.example.com:8443 | config.example.com:8443",
        "aami.internal | aami.internal:443",
        "10.0.0.5:8443 | 10.0.0.5:8443",
        "[::1]:8443 | [::1]:8443",
        "[fd00::5] | [fd00::5]:443",
        "evil.com/\"><script> | config.example.com:8443",
        "a b | config.example.com:8443",
        "'' | config.example.com:8443"
    })
    void theServerIsTheHostTheBrowserReachedWhenItIsOne(String host, String server) {
        assertThat(InstallCommand.server(host)).isEqualTo(server);
    }

    @Test
    void theTokenComesFromStandardInputAndThePinIsTheServers() {
        assertThat(new InstallCommand("sha256:" + "ab".repeat(32)).line("aami:8443"))
                .isEqualTo("sudo ./install-agent.sh --server aami:8443 --token - --ca-pin sha256:" + "ab".repeat(32));
        assertThat(new InstallCommand(null).line(null)).contains("--ca-pin " + InstallCommand.PLACEHOLDER_PIN);
        assertThat(new InstallCommand(null).tls()).isFalse();
    }
}
