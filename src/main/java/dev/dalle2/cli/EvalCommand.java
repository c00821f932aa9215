package dev.dalle2.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/** {@code dalle2 eval}: the parent of the evaluation commands. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure the quality of generated images.",
        subcommands = {EvalShapesCommand.class, EvalDecoderCommand.class, EvalClipCommand.class,
                EvalModelCommand.class, EvalInpaintCommand.class})
final class EvalCommand extends ParentCommand {
    /** Prints part of a report (whole lines, as the eval package writes them) to a command's output, flushed at once. */
    static void print(CommandSpec command, String text) {
        PrintWriter out = command.commandLine().getOut();
        out.print(text);
        out.flush();
    }
}
