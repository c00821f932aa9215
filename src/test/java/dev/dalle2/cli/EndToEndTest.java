package dev.dalle2.cli;

import dev.dalle2.io.Images;
import dev.dalle2.io.Safetensors;
import org.bytedeco.pytorch.Tensor;
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
 * the decoder on from its own weights), put the networks in a model folder, and generate, vary,
 * interpolate and edit with it.
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

    @Test
    void trainsEveryStageAndGenerates(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("shapes");
        ok(CliRun.run("data", "shapes", "--out", data.toString(), "--count", "16", "--size", "32"));
        Path merges = dir.resolve("merges.txt");
        ok(CliRun.run("train", "tokenizer", "--captions", data.resolve("captions.jsonl").toString(),
                "--vocab-size", "540", "--out", merges.toString()));

        Path clip = dir.resolve("runs/clip");
        ok(CliRun.run("train", "clip", "--config", write(dir, "clip.yaml", """
                kind: clip
                seed: 0
                data: {dataset: %s, tokenizer: %s, validation: "fraction:0.5",
                       augmentation: {scale: 0.1, degrees: 10, shift: 0.1, blur: 0.5, jitter: 0.1}}
                clip: {contextLength: 20, textWidth: 32, textLayers: 1, textHeads: 2, imageSize: 16, patchSize: 4,
                       visionWidth: 32, visionLayers: 1, visionHeads: 2, embedDim: 16}
                %sout: %s
                """.formatted(data, merges, TRAINING, clip))));
        List<String> clipMetrics = Files.readAllLines(clip.resolve("metrics.jsonl"));
        assertTrue(clipMetrics.get(clipMetrics.size() - 1).contains("\"val_i2t_r5\""),
                "the held-out recall is logged with the last step's metrics");
        CliRun embed = CliRun.run("embed", "--dataset", data.toString(), "--clip", clip.toString());
        ok(embed);
        assertTrue(embed.out().contains("embedded 16 images"), embed.out());
        CliRun again = CliRun.run("embed", "--dataset", data.toString(), "--clip", clip.toString());
        ok(again);
        assertTrue(again.out().contains("up to date"), again.out());

        Path prior = dir.resolve("runs/prior");
        ok(CliRun.run("train", "prior", "--config", write(dir, "prior.yaml", """
                kind: prior
                seed: 0
                data: {dataset: %s, clip: %s, validation: "fraction:0.2"}
                prior: {embedDim: 16, textWidth: 32, contextLength: 20, width: 32, layers: 1, heads: 2, dropout: 0.0}
                diffusion: {schedule: cosine, steps: 100, prediction: x0}
                sampling: {sampler: ddim, steps: 2, eta: 0.0, guidance: 2.0, x0: none}
                bestOf: 2
                %sout: %s
                """.formatted(data, clip, TRAINING, prior))));
        Path priorTuned = dir.resolve("runs/prior-tuned");
        ok(CliRun.run("train", "prior", "--config", write(dir, "prior-tuned.yaml", Files.readString(dir.resolve("prior.yaml"))
                .replace("learningRate: 1.0e-3", "learningRate: 1.0e-9")
                .replace("out: " + prior, "init: " + prior + "\nout: " + priorTuned))));
        assertStartedFrom(prior, priorTuned);

        Path decoder = dir.resolve("runs/decoder");
        ok(CliRun.run("train", "decoder", "--config", write(dir, "decoder.yaml", """
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
                """.formatted(data, clip) + UNET_TAIL.formatted("3.0") + TRAINING + "out: " + decoder + "\n")));

        Path tuned = dir.resolve("runs/decoder-tuned");
        String tuning = Files.readString(dir.resolve("decoder.yaml")).replace("learningRate: 1.0e-3", "learningRate: 1.0e-9")
                .replace("out: " + decoder, "init: " + decoder + "\nout: " + tuned);
        ok(CliRun.run("train", "decoder", "--config", write(dir, "tuned.yaml", tuning)));
        assertStartedFrom(decoder, tuned);

        Path upsampler = dir.resolve("runs/upsampler");
        ok(CliRun.run("train", "upsampler", "--config", write(dir, "upsampler.yaml", """
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
                """.formatted(data) + UNET_TAIL.formatted("1.0") + TRAINING + "out: " + upsampler + "\n")));

        CliRun misfit = CliRun.run("train", "decoder", "--config", write(dir, "misfit.yaml",
                tuning.replace("init: " + decoder, "init: " + upsampler)));
        misfit.assertOneLineError(1, upsampler.resolve("weights.safetensors")
                + ": 52 tensors do not fit UNet (1 of another shape, 51 missing): "
                + "conv_in.weight [16, 6, 3, 3] != expected [16, 3, 3, 3]; null_cond missing … and 50 more");

        Path model = dir.resolve("model");
        for (Path part : List.of(clip, prior, decoder, upsampler)) {
            Path target = Files.createDirectories(model.resolve(part.getFileName()));
            for (String file : List.of("config.json", "weights.safetensors", "merges.txt")) {
                if (Files.exists(part.resolve(file))) {
                    Files.copy(part.resolve(file), target.resolve(file));
                }
            }
        }

        Path out = dir.resolve("out");
        String[] common = {"--model", model.toString(), "--out", out.toString(), "--steps", "2", "--prior-steps", "2"};
        ok(CliRun.run(concat(new String[] {"generate", "a small red circle", "-n", "2"}, common)));
        assertEquals(32, Images.read(out.resolve("a-small-red-circle-s0-1.png")).size(2));
        assertTrue(Files.exists(out.resolve("a-small-red-circle-s0-sheet.png")));
        Path image = data.resolve("images/000000.png");
        ok(CliRun.run(concat(new String[] {"vary", image.toString(), "-n", "2"}, common)));
        ok(CliRun.run(concat(new String[] {"interpolate", image.toString(), data.resolve("images/000001.png").toString(),
                "--frames", "3"}, common)));
        ok(CliRun.run(concat(new String[] {"edit", image.toString(), "--from", "a circle", "--to", "a square"}, common)));
        try (var files = Files.list(out)) {
            assertEquals(2 + 1 + 2 + 1 + 3 + 1 + 4 + 1, files.count());
        }

        CliRun empty = CliRun.run(concat(new String[] {"generate", " "}, common));
        empty.assertOneLineError(1, "the prompt is empty");
        CliRun missing = CliRun.run("generate", "a red circle", "--model", dir.resolve("nowhere").toString());
        missing.assertOneLineError(1, "no such model folder");
        CliRun eval = CliRun.run("eval", "clip", "--model", clip.toString(), "--validation", "all");
        ok(eval);
        assertTrue(eval.out().contains("image→text"), eval.out());
        CliRun concepts = CliRun.run(concat(new String[] {"eval", "model", "--template", "a drawing of {}", "--count", "2",
                "--batch", "2"}, common));
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
        CliRun priorAlone = CliRun.run(concat(new String[] {"eval", "model", "--template", "a drawing of {}", "--count", "2",
                "--prior-only", "--prior-captions", "4", "--best-of", "3"}, common));
        ok(priorAlone);
        // none of these 16 images' keys hashes into the prior's 20% held out, so there is no cosine to measure
        assertTrue(priorAlone.out().contains("prior: the dataset holds out no captions"), priorAlone.out());
        assertTrue(priorAlone.out().contains("the prior's image embeddings"), priorAlone.out());
        assertFalse(priorAlone.out().contains("generated"), priorAlone.out());
        CliRun negative = CliRun.run(concat(new String[] {"generate", "a red circle", "--best-of", "-1"}, common));
        negative.assertOneLineError(2, "--best-of must be at least 1, got -1");
        CliRun offsetAlone = CliRun.run(concat(new String[] {"eval", "model", "--offset", "3"}, common));
        offsetAlone.assertOneLineError(1, "--offset shifts the concepts of --template");
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

    private static String write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
