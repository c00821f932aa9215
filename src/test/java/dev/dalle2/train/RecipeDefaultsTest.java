package dev.dalle2.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recipes may leave out the keys of {@code training} and {@code unet} that have a default (issue 22); a required key
 * left out is still a one-line error, and CLIP refuses a {@code condDropProb}. Each recipe here is a committed one with
 * some keys of a section removed or replaced.
 */
class RecipeDefaultsTest {
    private static final Path DECODER = Path.of("configs/emoji-decoder.yaml");
    private static final Path UPSAMPLER = Path.of("configs/emoji-upsampler.yaml");
    private static final Path CLIP = Path.of("configs/emoji-clip.yaml");
    /** The keys of {@code training} that have a default, with the default as a recipe would give it. */
    private static final Map<String, String> TRAINING_DEFAULTS = entries("warmupSteps", "100", "minLrRatio", "0.1",
            "weightDecay", "0.0", "emaDecay", "0.999", "gradClip", "1.0", "bf16", "true", "condDropProb", "0.0",
            "checkpointEvery", "500", "sampleEvery", "500", "sampleCount", "8", "maxSkippedSteps", "5");
    /** The keys of {@code unet} that have a default, for a U-Net with a conditioning embedding. */
    private static final Map<String, String> CONDITIONED_UNET_DEFAULTS = entries("outChannels", "3", "headWidth", "64",
            "dropout", "0.0", "condTokens", "4", "condScale", "1.0");
    /** The keys of {@code unet} that have a default, for a U-Net without one. */
    private static final Map<String, String> PLAIN_UNET_DEFAULTS = entries("outChannels", "3", "headWidth", "64",
            "dropout", "0.0", "condDim", "0", "condTokens", "0", "condScale", "1.0");

    @TempDir
    Path dir;

    @Test
    void aRecipeThatLeavesOutTheDefaultedKeysReadsAsOneThatGivesTheDefaults() throws IOException {
        for (Path recipe : List.of(DECODER, UPSAMPLER)) {
            Map<String, String> unetDefaults = recipe == DECODER ? CONDITIONED_UNET_DEFAULTS : PLAIN_UNET_DEFAULTS;
            RunConfig explicit = RunConfig.load(variant(recipe, Map.of("training", TRAINING_DEFAULTS, "unet", unetDefaults)));
            RunConfig omitted = RunConfig.load(variant(recipe,
                    Map.of("training", removed(TRAINING_DEFAULTS), "unet", removed(unetDefaults))));
            assertEquals(explicit, omitted, recipe.toString());
            assertEquals(100, omitted.training().warmupSteps(), "a default, not 0");
            assertEquals(0.999, omitted.training().emaDecay(), "a default, not 0");
            assertEquals(64, omitted.unet().headWidth(), "a default, not 0");
        }
    }

    @Test
    void aDefaultedKeyGivenNoValueIsStillAnError() throws IOException {
        Path file = variant(DECODER, Map.of("training", entries("warmupSteps", "")));
        assertEquals(file + ":" + lineOf(file, "warmupSteps:") + ": training.warmupSteps: no value (expected an integer)",
                loadError(file, RunConfig.class));
    }

    @Test
    void aRequiredKeyLeftOutIsMissingAtTheLineOfItsSection() throws IOException {
        Map<String, String> trainingMissing = entries("batchSize", "missing (must be at least 1)",
                "learningRate", "missing (must be > 0)", "totalSteps", "missing (must be at least 1)");
        Map<String, String> unetMissing = entries("imageSize", "missing (must be a multiple of 4 (it halves 2 times))",
                "inChannels", "missing (must be at least 1)", "modelChannels", "missing (must be at least 1)",
                "channelMult", "missing", "numResBlocks", "missing (must be at least 1)", "attentionResolutions", "missing");
        for (var section : Map.of("training", trainingMissing, "unet", unetMissing).entrySet()) {
            for (var key : section.getValue().entrySet()) {
                Map<String, String> gone = new LinkedHashMap<>();
                gone.put(key.getKey(), null);
                Path file = variant(DECODER, Map.of(section.getKey(), gone));
                assertEquals(file + ":" + lineOf(file, section.getKey() + ":") + ": " + section.getKey() + "."
                        + key.getKey() + ": " + key.getValue(), loadError(file, RunConfig.class));
            }
        }
    }

    @Test
    void clipRefusesAConditionDropProbabilityButTakesZeroOrNone() throws IOException {
        assertEquals(0.0, ClipRunConfig.load(CLIP).training().condDropProb(), "the committed recipe gives 0.0");
        Path none = variant(CLIP, Map.of("training", removed(entries("condDropProb", ""))));
        assertEquals(0.0, ClipRunConfig.load(none).training().condDropProb());

        Path dropping = variant(CLIP, Map.of("training", entries("condDropProb", "0.1")));
        assertEquals(dropping + ":" + lineOf(dropping, "condDropProb:") + ": training.condDropProb: must be 0 or left out "
                + "(CLIP has no condition to drop), got 0.1", loadError(dropping, ClipRunConfig.class));

        Path base = Files.copy(CLIP, dir.resolve("clip-base.yaml"));
        Path child = Files.writeString(dir.resolve("clip-child.yaml"), "base: clip-base.yaml\ntraining:\n  condDropProb: 0.2\n");
        assertEquals(child + ":3: training.condDropProb: must be 0 or left out (CLIP has no condition to drop), got 0.2",
                loadError(child, ClipRunConfig.class), "the error names the recipe that gives the key, not " + base);

        assertEquals(0.1, PriorRunConfig.load(Path.of("configs/emoji-prior.yaml")).training().condDropProb(),
                "the prior drops its text");
        assertEquals(0.1, RunConfig.load(DECODER).training().condDropProb(), "the decoder drops its embedding");
    }

    /**
     * {@code recipe} with, in each named section, each key given the value mapped to it: replaced where the section
     * gives it, added at the section's end where it does not, removed where the value is null.
     */
    private Path variant(Path recipe, Map<String, Map<String, String>> sections) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(recipe));
        for (var section : sections.entrySet()) {
            int start = lines.indexOf(section.getKey() + ":");
            assertTrue(start >= 0, recipe + " has a " + section.getKey() + " section");
            int end = start + 1;
            while (end < lines.size() && lines.get(end).startsWith("  ")) {
                end++;
            }
            Map<String, String> left = new LinkedHashMap<>(section.getValue());
            List<String> body = new ArrayList<>();
            for (String line : lines.subList(start + 1, end)) {
                String key = line.trim().split(":", 2)[0];
                if (!left.containsKey(key)) {
                    body.add(line);
                } else if (left.get(key) != null) {
                    body.add("  " + key + ": " + left.get(key));
                }
                left.remove(key);
            }
            left.forEach((key, value) -> {
                if (value != null) {
                    body.add("  " + key + ": " + value);
                }
            });
            lines.subList(start + 1, end).clear();
            lines.addAll(start + 1, body);
        }
        return Files.writeString(Files.createTempFile(dir, "recipe", ".yaml"), String.join("\n", lines) + "\n");
    }

    /** Alternating keys and values, in order. */
    private static Map<String, String> entries(String... keysAndValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** The same keys, each to be removed. */
    private static Map<String, String> removed(Map<String, String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        keys.keySet().forEach(k -> out.put(k, null));
        return out;
    }

    private static String loadError(Path file, Class<?> type) {
        return assertThrows(IOException.class, () -> Recipes.load(file, type)).getMessage();
    }

    /** The 1-based number of the first line of {@code file} that holds {@code text}. */
    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(file + " has no line holding " + text);
    }
}
