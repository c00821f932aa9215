package dev.dalle2.cli;

import picocli.CommandLine.Command;

/** {@code dalle2 train …}: the parent of the training commands, one per component. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one component of the system.",
        subcommands = {TrainTokenizerCommand.class, TrainNetworkCommand.Clip.class, TrainNetworkCommand.Prior.class,
                TrainNetworkCommand.Decoder.class, TrainNetworkCommand.Upsampler.class})
final class TrainCommand extends ParentCommand {
}
