package dev.quanta.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The engine's command line ({@code bin/quanta <command>}). Each subcommand lives in its own class
 * in this package and is registered in {@link #commandLine()}.
 */
@Command(name = "quanta", mixinStandardHelpOptions = true, version = "quanta 0.1.0",
        description = "Quanta: run quantized LLMs on CPU.", subcommands = {CommandLine.HelpCommand.class,
                GgufInfoCommand.class, TokenizeCommand.class, SynthCommand.class, GenerateCommand.class,
                RunCommand.class, BenchCommand.class, LoadCommand.class, ServeCommand.class, BatchCommand.class,
                QuantizeCommand.class, PerplexityCommand.class, ImatrixCommand.class, PruneCommand.class,
                CalibrateCommand.class})
public final class QuantaCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command tree, with one-line errors for bad usage and failures; log records all in logback's format. */
    public static CommandLine commandLine() {
        CliLogging.routeJavaUtilLoggingToSlf4j();
        CommandLine cli = new CommandLine(new QuantaCli());
        cli.setExecutionExceptionHandler(CliErrors::handleExecutionException);
        cli.setParameterExceptionHandler(CliErrors::handleParameterException);
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
