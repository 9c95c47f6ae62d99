package dev.quanta.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/quanta up}: the local platform on one machine. Engine commands live in the inference worker. */
@Command(name = "quanta", mixinStandardHelpOptions = true, version = "quanta 0.1.0",
        description = "Quanta platform launcher.", subcommands = {UpCommand.class})
public final class Launcher implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Launcher());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("quanta: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("quanta " + c.getCommandName() + ": " + e.getMessage());
            if (System.getenv("QUANTA_DEBUG") != null) {
                e.printStackTrace(c.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
