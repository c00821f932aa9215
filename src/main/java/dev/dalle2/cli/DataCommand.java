package dev.dalle2.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dalle2 data}: the parent of the dataset commands; alone it prints its usage. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Make datasets.",
        subcommands = {DataShapesCommand.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
