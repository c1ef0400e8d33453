package io.aami.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigFileArgumentTest {
    @Test
    void bothSpellingsOfConfigNameTheFile() {
        assertThat(ConfigFileArgument.parse(new String[] {"--config", "/etc/aami/a.yaml"}).configFile())
                .isEqualTo(Path.of("/etc/aami/a.yaml"));
        assertThat(ConfigFileArgument.parse(new String[] {"--config=b.yaml"}).configFile()).isEqualTo(Path.of("b.yaml"));
        assertThat(ConfigFileArgument.parse(new String[0])).isEqualTo(new ConfigFileArgument.Parsed(null, false));
    }

    @Test
    void helpIsAskedForAndAnythingElseIsAnError() {
        assertThat(ConfigFileArgument.parse(new String[] {"-h"}).help()).isTrue();
        assertThat(ConfigFileArgument.parse(new String[] {"--config", "x", "--help"}).help()).isTrue();
        assertThatThrownBy(() -> ConfigFileArgument.parse(new String[] {"--cofig", "x"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--cofig'");
        assertThatThrownBy(() -> ConfigFileArgument.parse(new String[] {"--config"}))
                .as("--config without its file").hasMessageContaining("'--config'");
    }
}
