package io.aami.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

/**
 * Logback's automatic configuration finds the baseline in code and stops there: no {@code logback.xml} is
 * looked for or parsed (the XML configurator is hundreds of classes the agent would carry for nothing).
 */
class BaselineConfiguratorTest {
    @Test
    void autoConfigurationUsesTheBaselineInCodeAndNoXml() throws Exception {
        LoggerContext ctx = new LoggerContext();
        new ContextInitializer(ctx).autoConfig();

        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("console")).isNotNull();
        assertThat(ctx.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("org.testcontainers").getLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .noneMatch(m -> m.contains("logback.xml") || m.contains("Joran"))
                .anyMatch(m -> m.contains(BaselineConfigurator.class.getName()));
        ctx.stop();
    }
}
