package io.aami.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * Logback's baseline before a process applies its own {@code logging.level}/{@code format} ({@link LogSetup});
 * also what tests log with: one line per event on stderr, chatty libraries at WARN. In code rather than a
 * {@code logback.xml}, found through {@code META-INF/services}, so logback never loads its XML configurator
 * and parser (about 270 classes, a few MB of the agent's metadata; issue 14).
 */
public final class BaselineConfigurator extends ContextAwareBase implements Configurator {
    static final List<String> QUIET = List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb", "io.zonky",
            "io.javalin", "org.testcontainers");

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        QUIET.forEach(name -> ctx.getLogger(name).setLevel(Level.WARN));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
