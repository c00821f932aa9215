package dev.dalle2.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dalle2 train …}: the parent of the training commands, one per component. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one component of the system.",
        subcommands = {TrainTokenizerCommand.class, TrainUNetCommand.Decoder.class, TrainUNetCommand.Upsampler.class})
final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
