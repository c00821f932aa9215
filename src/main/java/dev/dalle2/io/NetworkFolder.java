package dev.dalle2.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained network as it is shipped: a folder with {@code config.json} (the recipe it was trained
 * from) and {@code weights.safetensors} (its EMA weights). Reading a folder that lacks either, or
 * whose config does not parse, is a one-line error naming the file.
 */
public final class NetworkFolder {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "weights.safetensors";

    /** What each {@code kind} of config.json is, as an error names it. */
    private static final Map<String, String> KINDS = Map.of("clip", "a CLIP model", "prior", "a diffusion prior",
            "decoder", "a decoder", "upsampler", "an upsampler");

    private NetworkFolder() {}

    /**
     * The folder's {@code config.json} read as {@code type} (fields {@code type} does not name are ignored). When
     * {@code kinds} are given, a config whose {@code kind} is another (a prior's folder where a decoder is expected)
     * is a one-line error saying what the folder holds, before its fields are read; a wrong or missing field is one
     * line naming the file, line and key ({@link ConfigFile}).
     */
    public static <T> T config(Path dir, Class<T> type, String... kinds) throws IOException {
        Path file = require(dir, CONFIG);
        String kind = ConfigFile.topLevelText(file, "kind");
        List<String> expected = List.of(kinds);
        if (!expected.isEmpty() && !kind.isEmpty() && !expected.contains(kind)) {
            String holds = KINDS.containsKey(kind) ? KINDS.get(kind) + " (kind: " + kind + ")" : "kind " + Texts.quoted(kind);
            List<String> wanted = expected.stream().map(k -> KINDS.getOrDefault(k, k)).toList();
            throw new IOException(file + ": holds " + holds + ", not " + ConfigFile.words(wanted));
        }
        return ConfigFile.readConfig(file, type);
    }

    /**
     * The folder's weights, by parameter name. A tensor with a NaN or infinite value (a corrupt file: one
     * flipped exponent bit is enough) is a one-line error naming the file and the tensor, rather than
     * a network that quietly draws black images.
     */
    public static Map<String, Tensor> weights(Path dir) throws IOException {
        Path file = require(dir, WEIGHTS);
        Map<String, Tensor> weights = Safetensors.read(file);
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            if (!Ops.allFinite(e.getValue())) {
                throw new IOException(file + ": tensor " + e.getKey() + " holds a NaN or infinite value (corrupt weights)");
            }
        }
        return weights;
    }

    /** Loads the folder's weights into {@code net}, strictly: tensors that do not fit are one line naming the file. */
    public static void load(Path dir, Module net) throws IOException {
        loadInto(net, dir.resolve(WEIGHTS), weights(dir));
    }

    /**
     * Copies {@code weights}, read from {@code file}, into {@code net}, strictly; tensors that do not fit are one
     * line naming the file, how many do not fit and the first two ({@link Module.LoadReport#summary}).
     */
    public static void loadInto(Module net, Path file, Map<String, Tensor> weights) throws IOException {
        try {
            net.load(weights, true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code config.json} (the recipe as JSON) and {@code weights.safetensors}, each atomically. */
    public static void write(Path dir, Object recipe, Map<String, Tensor> weights, Map<String, String> metadata)
            throws IOException {
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), weights, metadata);
        byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(recipe);
        AtomicFiles.write(dir.resolve(CONFIG), out -> out.write(json));
    }

    /** {@code dir/name}, or a one-line error when the folder is not a network folder. */
    public static Path require(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such model folder");
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "incomplete model folder: missing " + name);
        }
        return file;
    }
}
