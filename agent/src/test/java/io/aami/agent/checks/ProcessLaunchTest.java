package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The agent's launch mechanism: VFORK where the JDK still supports it, the operator's choice always kept. */
class ProcessLaunchTest {
    @Test
    void vforkOnLinuxUpToJdk24() {
        for (int jdk : new int[] {17, 21, 24}) {
            Properties props = new Properties();
            assertThat(ProcessLaunch.choose(jdk, "Linux", props)).isTrue();
            assertThat(props.getProperty(ProcessLaunch.PROPERTY)).isEqualTo("VFORK");
        }
    }

    @Test
    void jdk25DeprecatedAndJdk26RemovedVforkSoTheirDefaultStays() {
        for (int jdk : new int[] {25, 26, 30}) {
            Properties props = new Properties();
            assertThat(ProcessLaunch.choose(jdk, "Linux", props)).isFalse();
            assertThat(props.getProperty(ProcessLaunch.PROPERTY)).isNull();
        }
    }

    @Test
    void anOperatorsChoiceAndOtherSystemsAreLeftAlone() {
        Properties props = new Properties();
        props.setProperty(ProcessLaunch.PROPERTY, "POSIX_SPAWN");
        assertThat(ProcessLaunch.choose(17, "Linux", props)).isFalse();
        assertThat(props.getProperty(ProcessLaunch.PROPERTY)).isEqualTo("POSIX_SPAWN");
        Properties mac = new Properties();
        assertThat(ProcessLaunch.choose(17, "Mac OS X", mac)).isFalse();
        assertThat(mac.getProperty(ProcessLaunch.PROPERTY)).isNull();
    }
}
