package dev.dalle2.cli;

import dev.dalle2.io.Safetensors;
import dev.dalle2.io.SmallDisk;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What {@code generate} does with bad options, outputs it cannot write, a network that makes NaN, and large counts
 * (issue 21): one line, the right exit code, nothing written, and the checks made before the models load.
 */
class GenerateReliabilityTest {
    private static final String SHAPES = "models/shapes";
    private static final String[] QUICK = {"--steps", "2", "--prior-steps", "2", "--best-of", "1"};
    private static final String[] FAST = concat(new String[] {"--model", SHAPES}, QUICK);

    @TempDir
    Path dir;

    @Test
    void badOptionsAreCommandLineErrorsBeforeAnyModelLoads() {
        // the model folder does not exist: an error about it would mean the option was checked too late
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("-n 0", "-n must be between 1 and 10000, got 0");
        cases.put("-n 100000", "-n must be between 1 and 10000, got 100000");
        cases.put("--steps 0", "--steps must be at least 2, got 0");
        cases.put("--steps 1", "--steps must be at least 2, got 1");
        cases.put("--prior-steps 1", "--prior-steps must be at least 2, got 1");
        cases.put("--best-of 0", "--best-of must be at least 1, got 0");
        cases.put("--guidance -1", "--guidance must be a finite number of 0 or more, got -1.0");
        cases.put("--prior-guidance NaN", "--prior-guidance must be a finite number of 0 or more, got NaN");
        cases.put("--sampler euler", "--sampler must be one of ddim, ddpm, dpmpp-2m, got 'euler'");
        cases.put("--precision fp16", "--precision must be fp32 or bf16, got 'fp16'");
        cases.forEach((options, message) -> {
            String[] args = concat(new String[] {"generate", "a red circle", "--model", dir.resolve("none").toString(),
                    "--out", dir.resolve("out").toString()}, options.split(" "));
            CliRun.run(args).assertOneLineError(2, "dalle2: " + message);
        });
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedFirst() throws IOException {
        Path file = Files.writeString(dir.resolve("taken.png"), "a file");
        String none = dir.resolve("none").toString();
        CliRun.run("generate", "x", "--model", none, "--out", file.toString())
                .assertOneLineError(2, "--out " + file + ": is a file, not a folder");
        CliRun.run("generate", "x", "--model", none, "--out", "/proc/dalle2-out")
                .assertOneLineError(2, "--out /proc/dalle2-out: cannot write files there");
        assertEquals("a file", Files.readString(file));
    }

    @Test
    void aDiskTooSmallForTheImagesIsRefusedBeforeSampling() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 64)) {
            Path out = disk.root().resolve("out");
            CliRun run = CliRun.run(concat(new String[] {"generate", "a red circle", "-n", "8", "--out", out.toString()}, FAST));
            run.assertOneLineError(1, out + ": ");
            assertTrue(run.err().contains(" free, but 8 images of 64 px may need "), run.err());
            assertEquals(List.of(), names(out));
        }
    }

    @Test
    void aDecoderThatMakesNaNIsAnErrorNamingItAndWritesNothing() throws IOException {
        Path model = dir.resolve("model");
        for (String part : List.of("clip", "prior", "upsampler")) {
            Files.createDirectories(model);
            Files.createSymbolicLink(model.resolve(part), Path.of(SHAPES, part).toAbsolutePath());
        }
        Path decoder = Files.createDirectories(model.resolve("decoder"));
        Files.copy(Path.of(SHAPES, "decoder", "config.json"), decoder.resolve("config.json"));
        try (PointerScope scope = new PointerScope()) {
            // one flipped exponent bit: finite, so the load check passes, but it overflows while sampling
            Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(Path.of(SHAPES, "decoder", "weights.safetensors")));
            Tensor w = weights.get("down.1.res.0.in_conv.weight").clone();
            w.view(-1).narrow(0, 0, 1).fill_(Ops.scalar(-1.5e37));
            weights.put("down.1.res.0.in_conv.weight", w);
            Safetensors.write(decoder.resolve("weights.safetensors"), weights, null);
        }
        Path out = dir.resolve("out");
        CliRun run = CliRun.run(concat(new String[] {"generate", "a red circle", "-n", "1", "--out", out.toString()},
                concat(QUICK, new String[] {"--model", model.toString()})));
        run.assertOneLineError(1, model.resolve("decoder") + ": the decoder made images with NaN or infinite values");
        assertEquals(List.of(), names(out));
    }

    @Test
    void manyImagesAreMadeInBatchesThatRepeatUnderASeed() throws IOException {
        Path sixteen = dir.resolve("sixteen");
        Path seventeen = dir.resolve("seventeen");
        CliRun a = CliRun.run(concat(new String[] {"generate", "a red circle", "-n", "16", "--out", sixteen.toString()}, FAST));
        CliRun b = CliRun.run(concat(new String[] {"generate", "a red circle", "-n", "17", "--out", seventeen.toString()}, FAST));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().startsWith("wrote 17 images and a contact sheet to "), b.out());
        assertEquals(18, names(seventeen).size());
        byte[] first = Files.readAllBytes(sixteen.resolve("a-red-circle-s0-16.png"));
        assertArrayEquals(first, Files.readAllBytes(seventeen.resolve("a-red-circle-s0-16.png")),
                "the first batch of 16 is the same images with or without a second batch");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(seventeen.resolve("a-red-circle-s0-1.png")),
                Files.readAllBytes(seventeen.resolve("a-red-circle-s0-17.png"))), "the second batch draws new noise");
    }

    @Test
    void theSamplerOptionPicksAnotherSampler() throws IOException {
        Path ddim = dir.resolve("ddim");
        Path dpm = dir.resolve("dpm");
        String[] quick = {"--model", SHAPES, "--steps", "4", "--prior-steps", "4", "--best-of", "1", "-n", "1"};
        CliRun a = CliRun.run(concat(new String[] {"generate", "a red circle", "--out", ddim.toString(), "--sampler", "ddim"}, quick));
        CliRun b = CliRun.run(concat(new String[] {"generate", "a red circle", "--out", dpm.toString(), "--sampler", "dpmpp-2m"}, quick));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(ddim.resolve("a-red-circle-s0-1.png")),
                Files.readAllBytes(dpm.resolve("a-red-circle-s0-1.png"))), "DPM-Solver++ takes other steps than DDIM");
    }

    /** bf16 autocast changes the U-Nets' rounding, not what they draw: the same picture within a few levels per pixel. */
    @Test
    void bf16DrawsTheFp32PictureWithinRounding() throws IOException {
        Path fp32 = dir.resolve("fp32");
        Path bf16 = dir.resolve("bf16");
        String[] quick = {"--model", SHAPES, "--steps", "8", "--prior-steps", "4", "--best-of", "1", "-n", "1", "--sampler", "dpmpp-2m"};
        CliRun a = CliRun.run(concat(new String[] {"generate", "a red circle", "--out", fp32.toString(), "--precision", "fp32"}, quick));
        CliRun b = CliRun.run(concat(new String[] {"generate", "a red circle", "--out", bf16.toString(), "--precision", "bf16"}, quick));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        java.awt.image.BufferedImage x = javax.imageio.ImageIO.read(fp32.resolve("a-red-circle-s0-1.png").toFile());
        java.awt.image.BufferedImage y = javax.imageio.ImageIO.read(bf16.resolve("a-red-circle-s0-1.png").toFile());
        double sum = 0;
        int max = 0;
        for (int r = 0; r < x.getHeight(); r++) {
            for (int c = 0; c < x.getWidth(); c++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    int d = Math.abs(((x.getRGB(c, r) >> shift) & 0xff) - ((y.getRGB(c, r) >> shift) & 0xff));
                    sum += d;
                    max = Math.max(max, d);
                }
            }
        }
        double mean = sum / (3.0 * x.getWidth() * x.getHeight());
        assertTrue(mean > 0, "bf16 must change the rounding at all (else autocast was not on)");
        assertTrue(mean < 4, "mean difference " + mean + " levels of 255 (max " + max + ")");
    }

    @Test
    void timingsNameEveryStage() {
        CliRun run = CliRun.run(concat(new String[] {"generate", "a red circle", "--out", dir.resolve("t").toString(),
                "-n", "1", "--timings"}, FAST));
        assertEquals(0, run.code(), run.err());
        String line = run.out().lines().filter(l -> l.startsWith("timings:")).findFirst().orElseThrow();
        assertTrue(line.matches("timings: loading [0-9.]+ s, CLIP [0-9.]+ s, prior [0-9.]+ s, "
                + "decoder [0-9.]+ s, upsampler [0-9.]+ s, PNG writing [0-9.]+ s, other -?[0-9.]+ s"), line);
    }

    @Test
    void promptsThatDifferOnlyInWhatAFileNameDropsGetTheirOwnNames() {
        assertEquals("a-red-circle", PipelineCommand.slug("A red circle!"));
        assertNotEquals(PipelineCommand.slug("a red circle"), PipelineCommand.slug("a 🍎 red circle"));
        assertTrue(PipelineCommand.slug("a 🍎 red circle").matches("a-red-circle-[0-9a-f]{8}"));
        assertNotEquals(PipelineCommand.slug("a café"), PipelineCommand.slug("a cafe"));
        String long1 = "a red circle above a blue square beside a green triangle under a yellow star";
        String long2 = "a red circle above a blue square beside a green triangle under a yellow moon";
        assertNotEquals(PipelineCommand.slug(long1), PipelineCommand.slug(long2));
        assertTrue(PipelineCommand.slug(long1).length() <= 69);
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
