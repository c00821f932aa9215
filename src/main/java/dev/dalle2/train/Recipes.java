package dev.dalle2.train;

import dev.dalle2.data.Split;
import dev.dalle2.io.BadValueException;
import dev.dalle2.io.Checks;
import dev.dalle2.io.ConfigFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads training recipes ({@code configs/*.yaml}): unknown keys are errors, enums are case-insensitive, and every
 * failure is one line naming the file, the line and the key ({@link ConfigFile}).
 */
public final class Recipes {
    private Recipes() {}

    /** Reads a YAML (or JSON, a subset of YAML) recipe of {@code type}. */
    public static <T> T load(Path file, Class<T> type) throws IOException {
        requireFile(file);
        return ConfigFile.readRecipe(file, type);
    }

    /** The recipe's {@code kind} field ({@code clip}, {@code prior}, {@code decoder}, {@code upsampler}), read without the rest. */
    public static String kind(Path file) throws IOException {
        requireFile(file);
        for (Path recipe : ConfigFile.chain(file)) {
            String kind = ConfigFile.topLevelText(recipe, "kind");
            if (!kind.isEmpty()) {
                return kind;
            }
        }
        return "";
    }

    /** Checks a recipe's validation split ({@code none}, {@code fraction:F} or {@code group:NAME}) before any data is read. */
    static void checkSplit(String key, String spec) {
        Checks.present(key, spec);
        try {
            Split.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new BadValueException(key, "none, fraction:F (F in [0, 1]) or group:NAME", spec);
        }
    }

    private static void requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such config file");
        }
    }
}
