package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.logging.ConsoleHandler;
import java.util.logging.LogManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The command line has one log format: System.Logger / java.util.logging records go to logback. */
class CliLoggingTest {

    @Test
    void systemLoggerRecordsReachLogbackInsteadOfJavaUtilLoggingsConsole() {
        QuantaCli.commandLine();
        String name = "dev.quanta.worker.cli.CliLoggingTest.probe";
        Logger logback = (Logger) LoggerFactory.getLogger(name);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logback.addAppender(seen);
        try {
            System.getLogger(name).log(System.Logger.Level.WARNING, "probe {0}", 42);
        } finally {
            logback.detachAppender(seen);
        }
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("probe 42");
        assertThat(Arrays.asList(LogManager.getLogManager().getLogger("").getHandlers()))
                .noneMatch(h -> h instanceof ConsoleHandler);
    }
}
