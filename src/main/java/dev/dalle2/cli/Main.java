package dev.dalle2.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code dalle2} command. Every failure ends in one line on standard error and a non-zero
 * exit code: 2 for a command line that does not parse, 1 for anything that goes wrong while
 * running (set {@code DALLE2_DEBUG=1} to also print the stack trace).
 */
@Command(name = "dalle2", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "DALL-E 2 (unCLIP) text-to-image in Java.",
        subcommands = {GenerateCommand.class, VaryCommand.class, InterpolateCommand.class, EditCommand.class,
                InpaintCommand.class, OutpaintCommand.class, ServeCommand.class,
                InfoCommand.class, InspectCommand.class, TokenizeCommand.class, TrainCommand.class, EmbedCommand.class,
                DataCommand.class, EvalCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code; output goes to {@code out} and {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("dalle2: " + e.getMessage()
                    + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("dalle2: " + describe(e));
            if (System.getenv("DALLE2_DEBUG") != null) {
                e.printStackTrace(c.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** A one-line description of a failure: its message, or its type when it has none. */
    static String describe(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof java.nio.file.NoSuchFileException n && message.equals(n.getFile())) {
            return "no such file: " + message;
        }
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
