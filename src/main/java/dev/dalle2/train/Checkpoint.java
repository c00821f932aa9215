package dev.dalle2.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Folders;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Module;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
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
            NetworkFolder.load(Path.of(init), model);
            System.err.println(kind + ": starting from the weights of " + init);
        }
    }

    public static void save(Path runDir, long step, Module model, Module average, Optimizer optimizer,
                            Generator noise) throws IOException {
        Path tmp = runDir.resolve(NAME + ".tmp");
        Folders.deleteTree(tmp);
        Files.createDirectories(tmp);
        Safetensors.write(tmp.resolve("model.safetensors"), model.namedParameters(), Map.of("step", Long.toString(step)));
        Safetensors.write(tmp.resolve("ema.safetensors"), average.namedParameters(), Map.of("step", Long.toString(step)));
        OutputArchive archive = new OutputArchive();
        optimizer.save(archive);
        archive.save_to(tmp.resolve("optimizer.pt").toString());
        Map<String, Tensor> rng = new LinkedHashMap<>();
        rng.put("noise", noise.get_state());
        rng.put("default", torch.getDefaultCPUGenerator().get_state());
        Safetensors.write(tmp.resolve("rng.safetensors"), rng, null);
        AtomicFiles.write(tmp.resolve("state.json"), out -> JSON.writeValue(out, Map.of("step", step)));

        Path current = folder(runDir);
        Path old = runDir.resolve(NAME + ".old");
        Folders.deleteTree(old);
        if (Files.exists(current)) {
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE);
        Folders.deleteTree(old);
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
        InputArchive archive = new InputArchive();
        archive.load_from(dir.resolve("optimizer.pt").toString());
        optimizer.load(archive);
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
