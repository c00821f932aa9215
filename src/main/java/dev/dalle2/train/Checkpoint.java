package dev.dalle2.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Folders;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.OptimizerArchive;
import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a folder {@code checkpoint/} holding the raw weights
 * ({@code model.safetensors}), the EMA weights ({@code ema.safetensors}), AdamW's state
 * ({@code optimizer.pt}, libtorch's archive), the random generators' states
 * ({@code rng.safetensors}) and {@code state.json} (the step). The folder is written beside the
 * old one and swapped in by renames, so a stop at any moment leaves a complete checkpoint.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "checkpoint";

    private Checkpoint() {}

    public static Path folder(Path runDir) {
        return runDir.resolve(NAME);
    }

    /** Whether {@code runDir} holds a checkpoint to resume from. */
    public static boolean exists(Path runDir) {
        return Files.isRegularFile(usable(runDir).resolve("state.json"));
    }

    /** Fails before any loading when {@code resume} is asked for a run folder without a checkpoint. */
    static void requireForResume(Path runDir, boolean resume) throws IOException {
        if (resume && !exists(runDir)) {
            throw new IOException(runDir + ": no checkpoint to resume from (train without --resume first)");
        }
    }

    /**
     * Loads a recipe's {@code init} network folder (null: none) into {@code model} for a fresh run; a
     * resumed run takes its weights from the checkpoint instead. The Trainer's Ema copies them into the average.
     */
    static void startFrom(String init, boolean resume, Module model, String kind) throws IOException {
        if (init != null && !resume) {
            Path dir = Path.of(init);
            NetworkFolder.loadInto(model, dir.resolve(NetworkFolder.WEIGHTS), widened(NetworkFolder.weights(dir), model, kind));
            System.err.println(kind + ": starting from the weights of " + init);
        }
    }

    /**
     * {@code weights} with every tensor that has fewer input channels (dim 1) than the model's tensor of the same
     * name, and is otherwise of its shape, widened with zeros: a network given more inputs (a decoder fine-tuned for
     * inpainting) starts as the network it was, ignoring the new inputs until training teaches it to use them.
     */
    static Map<String, Tensor> widened(Map<String, Tensor> weights, Module model, String kind) {
        Map<String, Tensor> out = new LinkedHashMap<>(weights);
        model.namedParameters().forEach((name, own) -> {
            Tensor src = weights.get(name);
            long[] a = src == null ? null : src.shape();
            long[] b = own.shape();
            if (a != null && a.length == b.length && a.length >= 2 && a[1] < b[1] && a[0] == b[0]
                    && Arrays.equals(Arrays.copyOfRange(a, 2, a.length), Arrays.copyOfRange(b, 2, b.length))) {
                Tensor wide = Ops.zeros(b);
                wide.narrow(1, 0, a[1]).copy_(src);
                out.put(name, wide);
                System.err.println(kind + ": " + name + " widened from " + a[1] + " to " + b[1] + " input channels (the new ones zero)");
            }
        });
        return out;
    }

    /**
     * Fails before any training when the run folder's disk has less room than the checkpoints need: each holds the
     * weights, the EMA weights and AdamW's two moments (four copies of the parameters) and the next one is written
     * beside the last before it replaces it, so a run without a checkpoint yet needs room for two.
     */
    static void requireSpace(Path runDir, List<Tensor> params) throws IOException {
        long bytes = 0;
        for (Tensor p : params) {
            bytes += p.numel() * p.element_size();
        }
        long one = 4 * bytes + (64 << 10); // and the generators' states, the step, the archive's headers
        long needed = exists(runDir) ? one : 2 * one;
        long free = Folders.usableSpace(runDir);
        if (free < needed) {
            throw new IOException(runDir + ": " + Folders.bytes(free) + " free, but training needs about "
                    + Folders.bytes(needed) + " there for its checkpoints (" + Folders.bytes(one) + " each)");
        }
    }

    /**
     * Writes the checkpoint of {@code step}. A failure while writing (a full disk) deletes the half-written folder
     * and is one IOException naming the file and saying which checkpoint is kept; the previous one stays loadable.
     */
    public static void save(Path runDir, long step, Module model, Module average, Optimizer optimizer,
                            Generator noise) throws IOException {
        Path tmp = runDir.resolve(NAME + ".tmp");
        try {
            writeFiles(tmp, step, model, average, optimizer, noise);
        } catch (IOException e) {
            Folders.deleteTree(tmp);
            throw new IOException(e.getMessage() + " (the checkpoint of step " + step + " was not written; "
                    + (exists(runDir) ? folder(runDir) + " still holds the previous one)" : "there is none yet)"), e);
        }
        Path current = folder(runDir);
        Path old = runDir.resolve(NAME + ".old");
        Folders.deleteTree(old);
        if (Files.exists(current)) {
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE);
        Folders.deleteTree(old);
    }

    private static void writeFiles(Path tmp, long step, Module model, Module average, Optimizer optimizer,
                                   Generator noise) throws IOException {
        Folders.deleteTree(tmp);
        Files.createDirectories(tmp);
        Safetensors.write(tmp.resolve("model.safetensors"), model.namedParameters(), Map.of("step", Long.toString(step)));
        Safetensors.write(tmp.resolve("ema.safetensors"), average.namedParameters(), Map.of("step", Long.toString(step)));
        OptimizerArchive.save(tmp.resolve("optimizer.pt"), optimizer);
        Map<String, Tensor> rng = new LinkedHashMap<>();
        rng.put("noise", noise.get_state());
        rng.put("default", torch.getDefaultCPUGenerator().get_state());
        Safetensors.write(tmp.resolve("rng.safetensors"), rng, null);
        AtomicFiles.write(tmp.resolve("state.json"), out -> JSON.writeValue(out, Map.of("step", step)));
    }

    /** Restores everything {@link #save} wrote and returns the step to continue from. */
    public static long load(Path runDir, Module model, Module average, Optimizer optimizer, Generator noise)
            throws IOException {
        Path dir = usable(runDir);
        if (!Files.isRegularFile(dir.resolve("state.json"))) {
            throw new IOException(runDir + ": no checkpoint to resume from");
        }
        for (Map.Entry<String, Module> part : Map.of("model.safetensors", model, "ema.safetensors", average).entrySet()) {
            Path file = dir.resolve(part.getKey());
            NetworkFolder.loadInto(part.getValue(), file, Safetensors.read(file));
        }
        OptimizerArchive.load(dir.resolve("optimizer.pt"), optimizer);
        Map<String, Tensor> rng = Safetensors.read(dir.resolve("rng.safetensors"));
        noise.set_state(rng.get("noise"));
        torch.getDefaultCPUGenerator().set_state(rng.get("default"));
        return JSON.readTree(dir.resolve("state.json").toFile()).get("step").asLong();
    }

    /** The checkpoint folder, or the previous one when a stop fell between the two renames. */
    private static Path usable(Path runDir) {
        Path current = folder(runDir);
        Path old = runDir.resolve(NAME + ".old");
        return !Files.exists(current) && Files.exists(old) ? old : current;
    }
}
