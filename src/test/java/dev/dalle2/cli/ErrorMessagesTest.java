package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Errors name what is wrong (issue 21, part 3): each failure is one line on standard error that names the
 * file and the key (and its line), says what was expected, and echoes long values shortened.
 */
class ErrorMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHAPES = Path.of("models/shapes").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aMisspelledRecipeKeyIsUnknownRatherThanARangeErrorAndNothingIsCreated() throws IOException {
        assertRecipeError("decoder", "emoji-decoder.yaml", "  learnRate: 5.0e-4", "learningRate:",
                "training.learnRate: unknown key (did you mean learningRate?)");
    }

    @Test
    void aRecipeValueOfTheWrongTypeNamesTheKeyAndLineAndNothingIsCreated() throws IOException {
        assertRecipeError("prior", "emoji-prior.yaml", "  batchSize: lots", "batchSize:", "training.batchSize: \"lots\" is not an integer");
    }

    @Test
    void anEmaDecayOfTwoIsRefusedAndNothingIsCreated() throws IOException {
        assertRecipeError("clip", "emoji-clip.yaml", "  emaDecay: 2.0", "emaDecay:", "training.emaDecay: must be in [0, 1), got 2.0");
    }

    @Test
    void aNetworkFolderHoldingAnotherNetworksConfigSaysWhatItHoldsAndWhatWasExpected() throws IOException {
        Path model = model();
        relink(model.resolve("decoder"), SHAPES.resolve("prior"));
        assertOneLine(generate(model), 1, model.resolve("decoder/config.json")
                + ": holds a diffusion prior (kind: prior), not a decoder");
        relink(model.resolve("decoder"), SHAPES.resolve("decoder"));
        relink(model.resolve("prior"), SHAPES.resolve("clip"));
        assertOneLine(generate(model), 1, model.resolve("prior/config.json") + ": holds a CLIP model (kind: clip), not a diffusion prior");
    }

    @Test
    void aNetworkConfigWithAWrongTypeOrAMissingPartNamesTheFileAndKey() throws IOException {
        Path model = model();
        Path config = model.resolve("decoder/config.json");
        ObjectNode json = (ObjectNode) JSON.readTree(SHAPES.resolve("decoder/config.json").toFile());
        ((ObjectNode) json.get("unet")).put("modelChannels", "wide");
        writeJson(config, json);
        assertOneLine(generate(model), 1, config + ":" + lineOf(config, "\"modelChannels\"")
                + ": unet.modelChannels: \"wide\" is not an integer");
        json.remove("unet");
        writeJson(config, json);
        assertOneLine(generate(model), 1, config + ": unet: missing");
    }

    @Test
    void weightsOfAnotherShapeNameTheFileTheCountAndTheFirstTwoInAShortLine() throws IOException {
        Path model = model();
        Path config = model.resolve("decoder/config.json");
        ObjectNode json = (ObjectNode) JSON.readTree(SHAPES.resolve("decoder/config.json").toFile());
        ((ObjectNode) json.get("unet")).put("condDim", 32);
        writeJson(config, json);
        CliRun r = generate(model);
        Path weights = model.resolve("decoder/weights.safetensors");
        assertOneLine(r, 1, weights + ": 3 tensors do not fit UNet (3 of another shape): null_cond [64] != expected [32]; "
                + "cond_proj.weight [256, 64] != expected [256, 32] … and 1 more");
        assertTrue(r.err().length() - weights.toString().length() < 160, r.err());
    }

    @Test
    void inspectReadsANetworkFolderAndNamesAnyOtherFolder() throws IOException {
        CliRun folder = run("inspect", "models/shapes/prior");
        assertEquals(0, folder.code(), folder.err());
        assertTrue(folder.out().startsWith("models/shapes/prior/weights.safetensors: "), folder.out());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertOneLine(run("inspect", empty.toString()), 1, empty + ": a folder without weights.safetensors; inspect reads "
                + "a .safetensors file or a network folder (e.g. models/emoji/decoder)");
    }

    @Test
    void aLongPromptIsEchoedShortenedWithItsLength() {
        String prompt = "a red star ".repeat(909) + "a";
        CliRun r = run("generate", "--model", SHAPES.toString(), "--out", dir.resolve("out").toString(), prompt);
        String shown = "\"" + prompt.substring(0, 60) + "… (10000 characters)\"";
        assertOneLine(r, 1, "the prompt " + shown + " is 2728 tokens long; this model reads at most 18");
        assertTrue(r.err().length() < 200, r.err().length() + " characters");
    }

    /**
     * Trains {@code kind} from configs/{@code config} with the line holding {@code from} replaced by {@code line}:
     * the error is {@code problem} at that line, and no run folder is made.
     */
    private void assertRecipeError(String kind, String config, String line, String from, String problem) throws IOException {
        Path recipe = recipe(config, from, line);
        CliRun r = run("train", kind, "--config", recipe.toString());
        assertOneLine(r, 1, recipe + ":" + lineOf(recipe, line) + ": " + problem);
        assertFalse(Files.exists(dir.resolve("run")), "no run folder");
    }

    /** Asserts the exit code and that standard error is exactly the one line {@code dalle2: MESSAGE}. */
    private static void assertOneLine(CliRun r, int code, String message) {
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals("dalle2: " + message, r.err().strip());
        assertEquals(code, r.code(), r.err());
    }

    private CliRun generate(Path model) {
        return run("generate", "--model", model.toString(), "--out", dir.resolve("out").toString(), "a red star");
    }

    /** A model folder whose parts are folders of links to the files of models/shapes, so that a test can change one. */
    private Path model() throws IOException {
        Path model = dir.resolve("model");
        for (String part : List.of("clip", "prior", "decoder", "upsampler")) {
            link(model.resolve(part), SHAPES.resolve(part));
        }
        return model;
    }

    private static void link(Path part, Path source) throws IOException {
        Files.createDirectories(part);
        try (var files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.createSymbolicLink(part.resolve(file.getFileName()), file);
            }
        }
    }

    private static void relink(Path part, Path source) throws IOException {
        try (var files = Files.list(part)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        link(part, source);
    }

    private static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.deleteIfExists(file);
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    }

    /** configs/{@code config} with {@code out} in the test's folder and its first line holding {@code from} replaced by {@code to}. */
    private Path recipe(String config, String from, String to) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("configs", config)).stream()
                .map(line -> line.startsWith("out:") ? "out: " + dir.resolve("run") : line).toList();
        int at = lineOf(lines, from) - 1;
        String text = String.join("\n", lines.subList(0, at)) + "\n" + to + "\n"
                + String.join("\n", lines.subList(at + 1, lines.size())) + "\n";
        return Files.writeString(dir.resolve(config), text);
    }

    private static int lineOf(Path file, String text) throws IOException {
        return lineOf(Files.readAllLines(file), text);
    }

    private static int lineOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line holds " + text);
    }
}
