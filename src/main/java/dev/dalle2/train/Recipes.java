package dev.dalle2.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads training recipes ({@code configs/*.yaml}): unknown fields are errors, enums are case-insensitive, and every
 * failure is one line naming the file.
 */
public final class Recipes {
    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Recipes() {}

    /** Reads a YAML (or JSON, a subset of YAML) recipe of {@code type}. */
    public static <T> T load(Path file, Class<T> type) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such config file");
        }
        try {
            return YAML.readValue(file.toFile(), type);
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IOException(file + ": " + message, e);
        }
    }

    /** The recipe's {@code kind} field ({@code clip}, {@code prior}, {@code decoder}, {@code upsampler}), read without the rest. */
    public static String kind(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such config file");
        }
        try {
            return YAML.readTree(file.toFile()).path("kind").asText("");
        } catch (IOException e) {
            throw new IOException(file + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
