package dev.dalle2.cli;

import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.Safetensors;
import dev.dalle2.io.SafetensorsFile;
import dev.dalle2.io.TensorEntry;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code dalle2 inspect FILE}: every tensor of a safetensors file with dtype, shape and statistics. A network
 * folder stands for its {@code weights.safetensors}; any other folder is a one-line error naming it.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"List every tensor of a safetensors file: name, dtype, shape, min, max and mean.",
                "FILE may be a network folder (e.g. models/emoji/decoder): its weights.safetensors is inspected."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A .safetensors file, or a network folder holding weights.safetensors.")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path target = weightsFile(file);
        SafetensorsFile st = Safetensors.open(target);
        long count = 0;
        for (TensorEntry e : st.entries()) {
            count += Arrays.stream(e.shape()).reduce(1, (a, b) -> a * b);
        }
        Path shown = target.equals(file) ? target.getFileName() : target;
        out.printf("%s: %d tensors, %,d values, %,d bytes%n", shown, st.entries().size(), count, Files.size(target));
        st.metadata().forEach((k, v) -> out.printf("metadata %s = %s%n", k, v));
        int width = st.entries().stream().mapToInt(e -> e.name().length()).max().orElse(4);
        String row = "%-" + width + "s  %-5s  %-18s  %12s  %12s  %12s%n";
        out.printf(row, "name", "dtype", "shape", "min", "max", "mean");
        for (TensorEntry e : st.entries()) {
            Scopes.freeing(() -> {
                Tensor t = st.tensor(e.name());
                String[] stats = {"-", "-", "-"};
                if (t.numel() > 0) {
                    Tensor f = t.to(torch.ScalarType.Double);
                    stats = new String[] {fmt(Ops.item(f.min())), fmt(Ops.item(f.max())), fmt(Ops.item(f.mean()))};
                }
                out.printf(row, e.name(), e.dtype(), Arrays.toString(e.shape()), stats[0], stats[1], stats[2]);
                return null;
            });
        }
        return 0;
    }

    /** {@code path} itself, or the weights of the network folder it names; another folder is an error naming it. */
    static Path weightsFile(Path path) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        Path weights = path.resolve(NetworkFolder.WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException(path + ": a folder without " + NetworkFolder.WEIGHTS
                    + "; inspect reads a .safetensors file or a network folder (e.g. models/emoji/decoder)");
        }
        return weights;
    }

    private static String fmt(double v) {
        return String.format("%.5g", v);
    }
}
