package dev.reactivedfu.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging, set up in code (a logback {@link Configurator} found through
 * {@code META-INF/services}): the CLI talks to the user through its renderers, so logs are off unless the environment
 * variable {@code DFU_LOG_LEVEL} names a level ({@code DFU_LOG_LEVEL=debug}); then they go to stderr as
 * {@code HH:mm:ss.SSS LEVEL logger - message}. Parsing an XML configuration cost about 0.15 s of every start-up,
 * before {@code dfu flash} could send its first frame. With {@code -Dlogback.configurationFile=FILE}, or a
 * {@code logback-test.xml} on the class path, logback's own configuration runs instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** The environment variable naming the level. */
    static final String LEVEL_VARIABLE = "DFU_LOG_LEVEL";

    /** Used by logback's service loader. */
    public LogSetup() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Level level = level(System.getenv(LEVEL_VARIABLE));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        context.getLogger("dev.reactivedfu.frames").setLevel(Level.OFF);
        if (level != Level.OFF) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
            encoder.start();
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setContext(context);
            stderr.setName("STDERR");
            stderr.setTarget("System.err");
            stderr.setEncoder(encoder);
            stderr.start();
            root.addAppender(stderr);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level a {@code DFU_LOG_LEVEL} value names; OFF when unset, and DEBUG for an unknown word (as logback). */
    static Level level(String value) {
        return value == null || value.isBlank() ? Level.OFF : Level.toLevel(value.trim(), Level.DEBUG);
    }
}
