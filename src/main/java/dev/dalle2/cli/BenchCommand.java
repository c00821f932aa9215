package dev.dalle2.cli;

import picocli.CommandLine.Command;

/** {@code dalle2 bench …}: the parent of the benchmark commands. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure speed and memory.",
        subcommands = {BenchTrainCommand.class})
final class BenchCommand extends ParentCommand {
}
