package dev.dalle2.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dalle2 eval}: the parent of the evaluation commands; alone it prints its usage. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure the quality of generated images.",
        subcommands = {EvalShapesCommand.class, EvalDecoderCommand.class})
final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
