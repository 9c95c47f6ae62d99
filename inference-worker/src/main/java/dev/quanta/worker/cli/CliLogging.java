package dev.quanta.worker.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One logging setup for the command line: records of {@code java.util.logging} and {@code System.Logger} (which the
 * JDK backs with java.util.logging) go through SLF4J to logback, so every line has logback's one-line format on
 * stderr (see logback.xml) instead of java.util.logging's two-line records. Spring Boot does the same for
 * {@code serve} when it starts.
 */
final class CliLogging {

    private CliLogging() {}

    /** Replaces java.util.logging's console handler by the SLF4J bridge (once per JVM). */
    static synchronized void routeJavaUtilLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
