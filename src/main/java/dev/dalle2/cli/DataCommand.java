package dev.dalle2.cli;

import picocli.CommandLine.Command;

/** {@code dalle2 data}: the parent of the dataset commands. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Make datasets.",
        subcommands = {DataShapesCommand.class, DataPackCommand.class, DataEmojiCommand.class})
final class DataCommand extends ParentCommand {
}
