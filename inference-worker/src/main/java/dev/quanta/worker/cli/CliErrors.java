package dev.quanta.worker.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** One line on stderr and a non-zero exit for every failure; no stack traces unless QUANTA_DEBUG is set. */
final class CliErrors {

    /** Exit code for bad usage (unknown option, missing argument). */
    static final int USAGE = 2;
    /** Exit code for a failure while running (missing file, corrupt model, ...). */
    static final int FAILURE = 1;

    private CliErrors() {}

    static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("quanta: " + e.getMessage() + " (see --help)");
        err.flush();
        return USAGE;
    }

    static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("quanta " + cli.getCommandName() + ": " + message.lines().findFirst().orElse(message));
        if (System.getenv("QUANTA_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }
}
