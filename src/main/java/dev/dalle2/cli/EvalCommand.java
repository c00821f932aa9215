package dev.dalle2.cli;

import picocli.CommandLine.Command;

/** {@code dalle2 eval}: the parent of the evaluation commands. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure the quality of generated images.",
        subcommands = {EvalShapesCommand.class, EvalDecoderCommand.class, EvalClipCommand.class,
                EvalModelCommand.class})
final class EvalCommand extends ParentCommand {
}
