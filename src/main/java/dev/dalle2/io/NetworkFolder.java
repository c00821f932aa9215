package dev.dalle2.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained network as it is shipped: a folder with {@code config.json} (the recipe it was trained
 * from) and {@code weights.safetensors} (its EMA weights). Reading a folder that lacks either, or
 * whose config does not parse, is a one-line error naming the file.
 */
public final class NetworkFolder {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "weights.safetensors";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private NetworkFolder() {}

    /** The folder's {@code config.json} read as {@code type} (fields {@code type} does not name are ignored). */
    public static <T> T config(Path dir, Class<T> type) throws IOException {
        Path file = require(dir, CONFIG);
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IOException(file + ": " + message, e);
        }
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
