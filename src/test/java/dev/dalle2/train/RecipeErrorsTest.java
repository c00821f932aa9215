package dev.dalle2.train;

import dev.dalle2.io.NetworkFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recipe errors (issue 21, part 3) are one line that names the file, the line and the key's full path, and says
 * what is wrong: {@code x.yaml:30: training.batchSize: "lots" is not an integer}. Each recipe here is a committed
 * one with one line changed.
 */
class RecipeErrorsTest {
    private static final String DECODER = "emoji-decoder.yaml";
    private static final String PRIOR = "emoji-prior.yaml";
    private static final String CLIP = "emoji-clip.yaml";

    @TempDir
    Path dir;

    /**
     * A committed recipe whose first line that holds {@code from} is replaced by the line(s) {@code to} (removed when
     * empty), and the error expected at the line of {@code anchor}: null for the first line of {@code to}, "" for no line.
     */
    private record Case(String config, String from, String to, String error, String anchor) {
        Case(String config, String from, String to, String error) {
            this(config, from, to, error, null);
        }
    }

    @Test
    void misspelledKeysAreUnknownWithTheNearestKnownKeyNotARangeError() throws IOException {
        assertErrors(List.of(
                new Case(DECODER, "learningRate:", "  learningrate: 5.0e-4", "training.learningrate: unknown key (did you mean learningRate?)"),
                new Case(DECODER, "learningRate:", "  learnRate: 5.0e-4", "training.learnRate: unknown key (did you mean learningRate?)"),
                new Case(DECODER, "modelChannels:", "  model_channels: 64", "unet.model_channels: unknown key (did you mean modelChannels?)"),
                new Case(PRIOR, "bestOf:", "best_of: 2", "best_of: unknown key (did you mean bestOf?)"),
                new Case(CLIP, "    blur:", "    blurr: 0.5", "data.augmentation.blurr: unknown key (did you mean blur?)")));
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneListsTheKnownKeysOfASmallSection() throws IOException {
        assertErrors(List.of(
                new Case(DECODER, "prediction:", "  noise: gaussian\n  prediction: v",
                        "diffusion.noise: unknown key (known keys: schedule, steps, prediction, minSnrGamma)"),
                new Case(DECODER, "sampleCount:", "  colour: red\n  sampleCount: 8", "training.colour: unknown key")));
    }

    @Test
    void aValueOfTheWrongTypeNamesTheKeyAndItsLine() throws IOException {
        assertErrors(List.of(
                new Case(DECODER, "batchSize:", "  batchSize: lots", "training.batchSize: \"lots\" is not an integer"),
                new Case(DECODER, "batchSize:", "  batchSize: 32.5", "training.batchSize: 32.5 is not an integer"),
                new Case(DECODER, "batchSize:", "  batchSize:", "training.batchSize: no value (expected an integer)"),
                new Case(DECODER, "channelMult:", "  channelMult: [1, x, 2]", "unet.channelMult[1]: \"x\" is not an integer"),
                new Case(DECODER, "  dropout:", "  dropout: [0.1]", "unet.dropout: expected a number, found a list"),
                new Case(DECODER, "prediction:", "  prediction: noise", "diffusion.prediction: \"noise\" is not one of epsilon, x0 or v"),
                new Case(DECODER, "bf16:", "  bf16: sometimes", "training.bf16: \"sometimes\" is not true or false")));
    }

    @Test
    void aKeyLeftOutIsMissingAtTheLineOfItsSection() throws IOException {
        assertErrors(List.of(
                new Case(DECODER, "learningRate:", "", "training.learningRate: missing (must be > 0)", "training:"),
                new Case(DECODER, "conditioning:", "", "data.conditioning: missing (must be clip, attributes or none)", "data:"),
                new Case(PRIOR, "out: runs/", "", "out: missing", "")));
    }

    @Test
    void everyNumericFieldIsRangeCheckedByName() throws IOException {
        assertErrors(List.of(
                new Case(DECODER, "emaDecay:", "  emaDecay: 2.0", "training.emaDecay: must be in [0, 1), got 2.0"),
                new Case(DECODER, "learningRate:", "  learningRate: -1.0e-4", "training.learningRate: must be > 0, got -1.0E-4"),
                new Case(DECODER, "warmupSteps:", "  warmupSteps: -1", "training.warmupSteps: must be at least 0, got -1"),
                new Case(DECODER, "minLrRatio:", "  minLrRatio: 1.5", "training.minLrRatio: must be in [0, 1], got 1.5"),
                new Case(DECODER, "weightDecay:", "  weightDecay: -0.1", "training.weightDecay: must be >= 0, got -0.1"),
                new Case(DECODER, "gradClip:", "  gradClip: -1.0", "training.gradClip: must be >= 0, got -1.0"),
                new Case(DECODER, "condDropProb:", "  condDropProb: 1.1", "training.condDropProb: must be in [0, 1], got 1.1"),
                new Case(DECODER, "sampleCount:", "  sampleCount: 0", "training.sampleCount: must be at least 1, got 0"),
                new Case(DECODER, "modelChannels:", "  modelChannels: 0", "unet.modelChannels: must be at least 1, got 0"),
                new Case(DECODER, "  dropout:", "  dropout: 1.0", "unet.dropout: must be in [0, 1), got 1.0"),
                new Case(DECODER, "condScale:", "  condScale: 0", "unet.condScale: must be > 0, got 0.0"),
                new Case(DECODER, "channelMult:", "  channelMult: [1, 0, 2]", "unet.channelMult[1]: must be at least 1, got 0"),
                new Case(DECODER, "  imageSize:", "  imageSize: 30", "unet.imageSize: must be a multiple of 4 (it halves 2 times), got 30"),
                new Case(DECODER, "  eta:", "  eta: -1", "sampling.eta: must be >= 0, got -1.0"),
                new Case(DECODER, "  guidance:", "  guidance: -1", "sampling.guidance: must be >= 0, got -1.0"),
                new Case(DECODER, "  x0:", "  x0: clamp", "sampling.x0: must be none, clip, dynamic or dynamic:P (P in (0, 1]), got \"clamp\""),
                new Case(DECODER, "  steps: 50", "  steps: 0", "sampling.steps: must be at least 2, got 0"),
                new Case(DECODER, "schedule:", "  schedule: cosin", "diffusion.schedule: must be cosine or linear, got \"cosin\""),
                new Case(DECODER, "conditioning:", "  conditioning: text", "data.conditioning: must be clip, attributes or none, got \"text\""),
                new Case(PRIOR, "  heads:", "  heads: 5", "prior.heads: must be a divisor of width 192, got 5"),
                new Case(PRIOR, "  dropout:", "  dropout: -0.5", "prior.dropout: must be in [0, 1), got -0.5"),
                new Case(PRIOR, "bestOf:", "bestOf: 0", "bestOf: must be at least 1, got 0"),
                new Case(PRIOR, "validation:", "  validation: \"fraction:2\"",
                        "data.validation: must be none, fraction:F (F in [0, 1]) or group:NAME, got \"fraction:2\""),
                new Case(CLIP, "    blur:", "    blur: 1.5", "data.augmentation.blur: must be in [0, 1], got 1.5"),
                new Case(CLIP, "textHeads:", "  textHeads: 5", "clip.textHeads: must be a divisor of textWidth 192, got 5"),
                new Case(CLIP, "patchSize:", "  patchSize: 5", "clip.imageSize: must be a multiple of patchSize 5, got 32",
                        "  imageSize:")));
    }

    @Test
    void syntaxErrorsEmptyFilesAndListsAreOneLine() throws IOException {
        Path broken = variant(DECODER, "modelChannels:", "  modelChannels: 64\n   x: [");
        assertLoadError(broken, broken + ":" + (lineOf(broken, "modelChannels:") + 1) + ": not YAML: mapping values are not allowed here");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertLoadError(empty, empty + ": empty");
        Path list = Files.writeString(dir.resolve("list.yaml"), "- kind: decoder\n");
        assertLoadError(list, list + ":1: expected a mapping of keys, found a list");
    }

    @Test
    void everyShippedNetworkConfigStillReadsAsItsRecipe() throws IOException {
        try (Stream<Path> folders = Files.list(Path.of("models"))) {
            for (Path model : folders.filter(Files::isDirectory).toList()) {
                assertEquals("clip", NetworkFolder.config(model.resolve("clip"), ClipRunConfig.class).kind());
                assertEquals("prior", NetworkFolder.config(model.resolve("prior"), PriorRunConfig.class).kind());
                assertEquals("decoder", NetworkFolder.config(model.resolve("decoder"), RunConfig.class).kind());
                assertEquals("upsampler", NetworkFolder.config(model.resolve("upsampler"), RunConfig.class).kind());
            }
        }
    }

    private void assertErrors(List<Case> cases) throws IOException {
        for (Case c : cases) {
            Path file = variant(c.config(), c.from(), c.to());
            String anchor = c.anchor() != null ? c.anchor() : c.to().lines().findFirst().orElseThrow();
            String at = anchor.isEmpty() ? "" : ":" + lineOf(file, anchor);
            assertLoadError(file, file + at + ": " + c.error());
        }
    }

    private static void assertLoadError(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> load(file));
        assertEquals(expected, e.getMessage());
    }

    private static Object load(Path file) throws IOException {
        return switch (Recipes.kind(file)) {
            case "clip" -> ClipRunConfig.load(file);
            case "prior" -> PriorRunConfig.load(file);
            default -> RunConfig.load(file);
        };
    }

    /** configs/{@code config} with its first line that holds {@code from} replaced by {@code to} (removed when empty). */
    private Path variant(String config, String from, String to) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("configs", config)));
        int at = indexOf(lines, from);
        lines.remove(at);
        if (!to.isEmpty()) {
            lines.add(at, to);
        }
        return Files.writeString(Files.createTempFile(dir, "recipe", ".yaml"), String.join("\n", lines) + "\n");
    }

    /** The 1-based number of the first line of {@code file} that holds {@code text}. */
    private static int lineOf(Path file, String text) throws IOException {
        return indexOf(Files.readAllLines(file), text) + 1;
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line holds " + text);
    }
}
