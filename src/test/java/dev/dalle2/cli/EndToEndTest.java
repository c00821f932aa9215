package dev.dalle2.cli;

import dev.dalle2.io.Images;
import dev.dalle2.io.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system through its command line, tiny: make a shapes dataset, learn a tokenizer, train
 * CLIP, cache the embeddings, train the prior, the decoder and the upsampler a few steps each (and
 * the prior and the decoder on from their own weights), put the networks in a model folder, and
 * generate, vary, interpolate and edit with it.
 *
 * <p>The training runs depend on each other (the prior learns from CLIP's embeddings, the model
 * folder needs every stage), so they run once, in order, in {@link #trainEveryStage}, which only
 * records what each command did; each test then checks one feature, so that one broken feature
 * does not hide the others. Each command that writes images writes them to a folder of its own.
 */
class EndToEndTest {
    private static final String TRAINING = """
            training:
              batchSize: 4
              learningRate: 1.0e-3
              warmupSteps: 1
              totalSteps: 3
              minLrRatio: 0.1
              weightDecay: 0.0
              emaDecay: 0.9
              gradClip: 1.0
              bf16: false
              condDropProb: 0.1
              checkpointEvery: 3
              sampleEvery: 3
              sampleCount: 2
            """;
    private static final String UNET_TAIL = """
              headWidth: 16
              dropout: 0.0
            diffusion:
              schedule: cosine
              steps: 100
              prediction: v
            sampling:
              sampler: ddim
              steps: 2
              eta: 0.0
              guidance: %s
              x0: clip
            """;

    @TempDir
    static Path dir;
    private static Path data;
    private static Path clip;
    private static Path prior;
    private static Path priorTuned;
    private static Path decoder;
    private static Path tuned;
    private static Path upsampler;
    private static Path model;
    /** The decoder recipe that starts from the decoder's weights. */
    private static String tuning;
    private static CliRun shapesRun;
    private static CliRun tokenizerRun;
    private static CliRun clipRun;
    private static CliRun embedRun;
    private static CliRun embedAgainRun;
    private static CliRun priorRun;
    private static CliRun priorTunedRun;
    private static CliRun decoderRun;
    private static CliRun tunedRun;
    private static CliRun upsamplerRun;

    @BeforeAll
    static void trainEveryStage() throws IOException {
        data = dir.resolve("shapes");
        shapesRun = CliRun.run("data", "shapes", "--out", data.toString(), "--count", "16", "--size", "32");
        Path merges = dir.resolve("merges.txt");
        tokenizerRun = CliRun.run("train", "tokenizer", "--captions", data.resolve("captions.jsonl").toString(),
                "--vocab-size", "540", "--out", merges.toString());

        clip = dir.resolve("runs/clip");
        clipRun = CliRun.run("train", "clip", "--config", write("clip.yaml", """
                kind: clip
                seed: 0
                data: {dataset: %s, tokenizer: %s, validation: "fraction:0.5",
                       augmentation: {scale: 0.1, degrees: 10, shift: 0.1, blur: 0.5, jitter: 0.1}}
                clip: {contextLength: 20, textWidth: 32, textLayers: 1, textHeads: 2, imageSize: 16, patchSize: 4,
                       visionWidth: 32, visionLayers: 1, visionHeads: 2, embedDim: 16}
                %sout: %s
                """.formatted(data, merges, TRAINING.replace("condDropProb: 0.1", "condDropProb: 0.0"), clip)));
        embedRun = CliRun.run("embed", "--dataset", data.toString(), "--clip", clip.toString());
        embedAgainRun = CliRun.run("embed", "--dataset", data.toString(), "--clip", clip.toString());

        prior = dir.resolve("runs/prior");
        priorRun = CliRun.run("train", "prior", "--config", write("prior.yaml", """
                kind: prior
                seed: 0
                data: {dataset: %s, clip: %s, validation: "fraction:0.2"}
                prior: {embedDim: 16, textWidth: 32, contextLength: 20, width: 32, layers: 1, heads: 2, dropout: 0.0}
                diffusion: {schedule: cosine, steps: 100, prediction: x0}
                sampling: {sampler: ddim, steps: 2, eta: 0.0, guidance: 2.0, x0: none}
                bestOf: 2
                %sout: %s
                """.formatted(data, clip, TRAINING, prior)));
        priorTuned = dir.resolve("runs/prior-tuned");
        priorTunedRun = CliRun.run("train", "prior", "--config", write("prior-tuned.yaml",
                Files.readString(dir.resolve("prior.yaml"))
                        .replace("learningRate: 1.0e-3", "learningRate: 1.0e-9")
                        .replace("out: " + prior, "init: " + prior + "\nout: " + priorTuned)));

        decoder = dir.resolve("runs/decoder");
        decoderRun = CliRun.run("train", "decoder", "--config", write("decoder.yaml", """
                kind: decoder
                seed: 0
                data: {dataset: %s, conditioning: clip, clip: %s}
                unet:
                  imageSize: 16
                  inChannels: 3
                  outChannels: 3
                  modelChannels: 16
                  channelMult: [1, 2]
                  numResBlocks: 1
                  attentionResolutions: [8]
                  condDim: 16
                  condTokens: 2
                """.formatted(data, clip) + UNET_TAIL.formatted("3.0") + TRAINING + "out: " + decoder + "\n"));
        tuned = dir.resolve("runs/decoder-tuned");
        tuning = Files.readString(dir.resolve("decoder.yaml")).replace("learningRate: 1.0e-3", "learningRate: 1.0e-9")
                .replace("out: " + decoder, "init: " + decoder + "\nout: " + tuned);
        tunedRun = CliRun.run("train", "decoder", "--config", write("tuned.yaml", tuning));

        upsampler = dir.resolve("runs/upsampler");
        upsamplerRun = CliRun.run("train", "upsampler", "--config", write("upsampler.yaml", """
                kind: upsampler
                seed: 0
                data: {dataset: %s, conditioning: none}
                unet:
                  imageSize: 32
                  inChannels: 6
                  outChannels: 3
                  modelChannels: 16
                  channelMult: [1, 2]
                  numResBlocks: 1
                  attentionResolutions: []
                  condDim: 0
                  condTokens: 0
                """.formatted(data) + UNET_TAIL.formatted("1.0") + TRAINING + "out: " + upsampler + "\n"));

        model = dir.resolve("model");
        for (Path part : List.of(clip, prior, decoder, upsampler)) {
            Path target = Files.createDirectories(model.resolve(part.getFileName()));
            for (String file : List.of("config.json", "weights.safetensors", "merges.txt")) {
                if (Files.exists(part.resolve(file))) {
                    Files.copy(part.resolve(file), target.resolve(file));
                }
            }
        }
    }

    @Test
    void makesTheDatasetAndLearnsATokenizer() {
        ok(shapesRun);
        ok(tokenizerRun);
    }

    @Test
    void trainsClipAndLogsTheHeldOutRecall() throws IOException {
        ok(clipRun);
        List<String> clipMetrics = Files.readAllLines(clip.resolve("metrics.jsonl"));
        assertTrue(clipMetrics.get(clipMetrics.size() - 1).contains("\"val_i2t_r5\""),
                "the held-out recall is logged with the last step's metrics");
    }

    @Test
    void embedsTheDatasetOnceThenFindsItUpToDate() {
        ok(embedRun);
        assertTrue(embedRun.out().contains("embedded 16 images"), embedRun.out());
        ok(embedAgainRun);
        assertTrue(embedAgainRun.out().contains("up to date"), embedAgainRun.out());
    }

    @Test
    void trainsThePrior() {
        ok(priorRun);
    }

    @Test
    void thePriorStartsFromItsInitWeights() throws IOException {
        ok(priorTunedRun);
        assertStartedFrom(prior, priorTuned);
    }

    @Test
    void trainsTheDecoder() {
        ok(decoderRun);
    }

    @Test
    void theDecoderStartsFromItsInitWeights() throws IOException {
        ok(tunedRun);
        assertStartedFrom(decoder, tuned);
    }

    @Test
    void trainsTheUpsampler() {
        ok(upsamplerRun);
    }

    @Test
    void initWeightsOfAnotherShapeAreOneLineError() throws IOException {
        CliRun misfit = CliRun.run("train", "decoder", "--config", write("misfit.yaml",
                tuning.replace("init: " + decoder, "init: " + upsampler)
                        .replace("out: " + tuned, "out: " + dir.resolve("runs/misfit"))));
        misfit.assertOneLineError(1, upsampler.resolve("weights.safetensors")
                + ": 52 tensors do not fit UNet (1 of another shape, 51 missing): "
                + "conv_in.weight [16, 6, 3, 3] != expected [16, 3, 3, 3]; null_cond missing … and 50 more");
    }

    @Test
    void generatesImagesAndASheet() throws IOException {
        Path out = dir.resolve("out-generate");
        ok(CliRun.run(concat(new String[] {"generate", "a small red circle", "-n", "2"}, common(out))));
        assertEquals(32, Images.read(out.resolve("a-small-red-circle-s0-1.png")).size(2));
        assertTrue(Files.exists(out.resolve("a-small-red-circle-s0-sheet.png")));
        assertFiles(2 + 1, out);
    }

    @Test
    void variesAnImage() throws IOException {
        Path out = dir.resolve("out-vary");
        ok(CliRun.run(concat(new String[] {"vary", image(0).toString(), "-n", "2"}, common(out))));
        assertFiles(2 + 1, out);
    }

    @Test
    void interpolatesBetweenTwoImages() throws IOException {
        Path out = dir.resolve("out-interpolate");
        ok(CliRun.run(concat(new String[] {"interpolate", image(0).toString(), image(1).toString(),
                "--frames", "3"}, common(out))));
        assertFiles(3 + 1, out);
    }

    @Test
    void editsAnImageFromOneCaptionToAnother() throws IOException {
        Path out = dir.resolve("out-edit");
        ok(CliRun.run(concat(new String[] {"edit", image(0).toString(), "--from", "a circle", "--to", "a square"},
                common(out))));
        assertFiles(4 + 1, out);
    }

    @Test
    void anEmptyPromptIsOneLineError() {
        CliRun empty = CliRun.run(concat(new String[] {"generate", " "}, common(dir.resolve("out-empty"))));
        empty.assertOneLineError(1, "the prompt is empty");
    }

    @Test
    void aMissingModelFolderIsOneLineError() {
        CliRun missing = CliRun.run("generate", "a red circle", "--model", dir.resolve("nowhere").toString());
        missing.assertOneLineError(1, "no such model folder");
    }

    @Test
    void aNegativeBestOfIsOneLineError() {
        CliRun negative = CliRun.run(concat(new String[] {"generate", "a red circle", "--best-of", "-1"},
                common(dir.resolve("out-best-of"))));
        negative.assertOneLineError(2, "--best-of must be at least 1, got -1");
    }

    @Test
    void anOffsetWithoutATemplateIsOneLineError() {
        CliRun offsetAlone = CliRun.run(concat(new String[] {"eval", "model", "--offset", "3"},
                common(dir.resolve("out-offset"))));
        offsetAlone.assertOneLineError(1, "--offset shifts the concepts of --template");
    }

    @Test
    void evaluatesClip() {
        CliRun eval = CliRun.run("eval", "clip", "--model", clip.toString(), "--validation", "all");
        ok(eval);
        assertTrue(eval.out().contains("image→text"), eval.out());
    }

    @Test
    void evaluatesTheModelOnConceptsWithStandardErrors() throws IOException {
        Path out = dir.resolve("out-eval");
        CliRun concepts = CliRun.run(concat(new String[] {"eval", "model", "--template", "a drawing of {}", "--count", "2",
                "--batch", "2"}, common(out)));
        ok(concepts);
        assertTrue(concepts.out().contains("image→text recall@5 over 16 concept names"), concepts.out());
        assertTrue(concepts.out().contains("decoded from the real images' CLIP embeddings"), concepts.out());
        assertTrue(concepts.out().contains("the prior's image embeddings themselves"), concepts.out());
        Matcher chosen = Pattern.compile("same (\\d+) concepts ([\\d.]+)% ± ([\\d.]+) \\(ratio").matcher(concepts.out());
        assertTrue(chosen.find(), concepts.out());
        double realRecall = Double.parseDouble(chosen.group(2)) / 100;
        assertEquals(100 * Math.sqrt(realRecall * (1 - realRecall) / Integer.parseInt(chosen.group(1))),
                Double.parseDouble(chosen.group(3)), 0.05, "the real images' recall carries its binomial standard error");
        try (Stream<Path> decoded = Files.list(out.resolve("decoded"))) {
            assertEquals(Long.parseLong(chosen.group(1)), decoded.count(), "one decoding per chosen concept");
        }
    }

    @Test
    void evaluatesThePriorAlone() {
        CliRun priorAlone = CliRun.run(concat(new String[] {"eval", "model", "--template", "a drawing of {}", "--count", "2",
                "--prior-only", "--prior-captions", "4", "--best-of", "3"}, common(dir.resolve("out-prior-only"))));
        ok(priorAlone);
        // none of these 16 images' keys hashes into the prior's 20% held out, so there is no cosine to measure
        assertTrue(priorAlone.out().contains("prior: the dataset holds out no captions"), priorAlone.out());
        assertTrue(priorAlone.out().contains("the prior's image embeddings"), priorAlone.out());
        assertFalse(priorAlone.out().contains("generated"), priorAlone.out());
    }

    /** The options every sampling command shares: the model folder, {@code out} and two sampling steps. */
    private static String[] common(Path out) {
        return new String[] {"--model", model.toString(), "--out", out.toString(), "--steps", "2", "--prior-steps", "2"};
    }

    private static Path image(int index) {
        return data.resolve(String.format("images/%06d.png", index));
    }

    private static void assertFiles(long expected, Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(expected, names.size(), names.toString());
        }
    }

    /** Every weight of {@code tuned}, trained at a vanishing learning rate, still equals that of its {@code init} network. */
    private static void assertStartedFrom(Path init, Path tuned) throws IOException {
        Map<String, Tensor> start = Safetensors.read(init.resolve("weights.safetensors"));
        Safetensors.read(tuned.resolve("weights.safetensors")).forEach((name, weight) -> assertTrue(
                weight.allclose(start.get(name), 1e-5, 1e-6, false), name + " did not start from the init network"));
    }

    private static void ok(CliRun run) {
        assertEquals(0, run.code(), run.err());
    }

    private static String write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
