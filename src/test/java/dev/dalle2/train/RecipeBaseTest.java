package dev.dalle2.train;

import dev.dalle2.io.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Recipes that start from another ({@code base:}): the keys given replace the base's, mapping by mapping. */
class RecipeBaseTest {
    private static final Path CONFIGS = Path.of("configs");
    /** The recipes as they were before the variants were written as a base and the keys that differ. */
    private static final Path BEFORE = Path.of("src/test/resources/recipes-before");

    @TempDir
    Path dir;

    @Test
    void theWideDecoderIsTheEmojiDecoderWithThreeKeysChanged() throws IOException {
        RunConfig base = Recipes.load(Path.of("configs/emoji-decoder.yaml"), RunConfig.class);
        RunConfig wide = Recipes.load(Path.of("configs/emoji-decoder-wide.yaml"), RunConfig.class);
        assertEquals(96, wide.unet().modelChannels());
        assertEquals(13000, wide.training().totalSteps());
        assertEquals("runs/emoji-decoder-wide", wide.out());
        assertEquals("decoder", Recipes.kind(Path.of("configs/emoji-decoder-wide.yaml")), "the kind comes from the base");
        assertEquals(base.unet().channelMult(), wide.unet().channelMult(), "a mapping merges key by key");
        assertEquals(base.unet().condDim(), wide.unet().condDim());
        assertEquals(base.training().learningRate(), wide.training().learningRate());
        assertEquals(base.data(), wide.data());
        assertEquals(base.sampling(), wide.sampling());
        assertEquals(base.diffusion(), wide.diffusion());
    }

    /**
     * Every recipe in configs/ loads, through the loader {@code dalle2 train KIND --config FILE} uses, to the same record
     * as its full copy from before the variants were written as a base and the keys that differ
     * (src/test/resources/recipes-before/, copied from the commit before that change). A recipe
     * added since has no copy there and must only load.
     */
    @Test
    void everyRecipeLoadsToTheRecordOfItsFullCopyFromBeforeTheBases() throws IOException {
        List<String> recipes = yamlNames(CONFIGS);
        assertTrue(recipes.containsAll(yamlNames(BEFORE)), "every recipe of before is still in " + CONFIGS);
        for (String name : yamlNames(BEFORE)) {
            Path now = CONFIGS.resolve(name);
            Path before = BEFORE.resolve(name);
            String kind = Recipes.kind(before);
            assertEquals(kind, Recipes.kind(now), name);
            Class<?> type = switch (kind) {
                case "clip" -> ClipRunConfig.class;
                case "prior" -> PriorRunConfig.class;
                default -> RunConfig.class;
            };
            assertEquals(Recipes.load(before, type), Recipes.load(now, type), name);
        }
    }

    @Test
    void theVariantsStartFromTheRecipeTheyVary() throws IOException {
        Map<String, String> bases = Map.of("emoji-decoder-long.yaml", "emoji-decoder.yaml",
                "emoji-decoder-stage3.yaml", "emoji-decoder.yaml", "emoji-decoder-minsnr.yaml", "emoji-decoder.yaml",
                "emoji-decoder-wide.yaml", "emoji-decoder.yaml", "emoji-prior-long.yaml", "emoji-prior.yaml",
                "emoji-prior-dropout.yaml", "emoji-prior.yaml", "emoji-decoder-inpaint.yaml", "emoji-decoder.yaml");
        for (var variant : bases.entrySet()) {
            assertEquals(List.of(CONFIGS.resolve(variant.getKey()), CONFIGS.resolve(variant.getValue()).toAbsolutePath()),
                    ConfigFile.chain(CONFIGS.resolve(variant.getKey())), variant.getKey());
        }
    }

    private static List<String> yamlNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void listsAndValuesAreReplacedWholeAndBasesChain() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), Files.readString(Path.of("configs/decoder-overfit.yaml")));
        Files.writeString(dir.resolve("b.yaml"), "base: a.yaml\nunet:\n  channelMult: [1]\n");
        Files.writeString(dir.resolve("c.yaml"), "base: b.yaml\ntraining:\n  batchSize: 3\n");
        RunConfig c = Recipes.load(dir.resolve("c.yaml"), RunConfig.class);
        assertEquals(java.util.List.of(1), c.unet().channelMult());
        assertEquals(3, c.training().batchSize());
        assertEquals(2.0e-3, c.training().learningRate());
    }

    @Test
    void errorsNameTheRecipeThatGivesTheKey() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), Files.readString(Path.of("configs/decoder-overfit.yaml"))
                .replace("emaDecay: 0.95", "emaDecay: 2.0"));
        Files.writeString(dir.resolve("b.yaml"), "base: a.yaml\ntraining:\n  batchSize: lots\n");
        Files.writeString(dir.resolve("c.yaml"), "base: a.yaml\ntraining:\n  batchSize: 3\n");
        Files.writeString(dir.resolve("d.yaml"), "base: a.yaml\ntraining:\n  batchSiz: 3\n");
        Files.writeString(dir.resolve("e.yaml"), "base: missing.yaml\n");
        Files.writeString(dir.resolve("f.yaml"), "base: g.yaml\n");
        Files.writeString(dir.resolve("g.yaml"), "base: f.yaml\n");
        assertEquals(dir.resolve("b.yaml") + ":3: training.batchSize: \"lots\" is not an integer", message("b.yaml"));
        assertEquals(dir.resolve("a.yaml") + ":" + line(dir.resolve("a.yaml"), "emaDecay") + ": training.emaDecay: "
                + "must be in [0, 1), got 2.0", message("c.yaml"));
        assertEquals(dir.resolve("d.yaml") + ":3: training.batchSiz: unknown key (did you mean batchSize?)", message("d.yaml"));
        assertEquals(dir.resolve("e.yaml") + ": base: no such recipe " + dir.resolve("missing.yaml"), message("e.yaml"));
        assertTrue(message("f.yaml").contains("base: f.yaml makes a cycle of bases"), message("f.yaml"));
    }

    private String message(String name) {
        return assertThrows(IOException.class, () -> Recipes.load(dir.resolve(name), RunConfig.class)).getMessage();
    }

    private static int line(Path file, String key) throws IOException {
        var lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith(key + ":")) {
                return i + 1;
            }
        }
        throw new AssertionError(key);
    }
}
