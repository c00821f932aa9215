package dev.dalle2.train;

import dev.dalle2.clip.ClipModel;
import dev.dalle2.decoder.UNet;
import dev.dalle2.prior.DiffusionPrior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every committed recipe parses and builds its network; the CPU ones are of a CPU-friendly size. */
class ConfigsTest {
    private static List<Path> configs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("configs"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyConfigParses() throws IOException {
        List<Path> all = configs();
        assertTrue(all.size() >= 8, "configs: " + all);
        for (Path p : all) {
            long params = switch (Recipes.kind(p)) {
                case "clip" -> new ClipModel(ClipRunConfig.load(p).clip().withVocabulary(1000, 999)).parameterCount();
                case "prior" -> new DiffusionPrior(PriorRunConfig.load(p).prior()).parameterCount();
                default -> new UNet(RunConfig.load(p).unet()).parameterCount();
            };
            if (!p.toString().contains("gpu")) {
                // CPU recipes stay small: the shipped models (float32) must fit 150 MB together
                assertTrue(params < 20_000_000, p + " has " + params + " parameters");
            }
        }
    }

    @Test
    void badConfigsGiveOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(Path.of("configs/decoder-overfit.yaml")).replace("batchSize", "batchSise"));
        IOException e = assertThrows(IOException.class, () -> RunConfig.load(typo));
        assertTrue(e.getMessage().startsWith(typo.toString()) && e.getMessage().contains("batchSize"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> RunConfig.load(dir.resolve("none.yaml")));
    }
}
