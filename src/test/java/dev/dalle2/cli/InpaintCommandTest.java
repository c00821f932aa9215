package dev.dalle2.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dalle2 inpaint} and {@code outpaint} on the shipped shapes model (2 sampling steps): exact kept pixels and clear errors. */
class InpaintCommandTest {
    private static final String[] QUICK = {"--model", "models/shapes", "--steps", "2", "--prior-steps", "2", "--best-of", "1"};

    @TempDir
    Path dir;

    /** A 64 × 64 picture: a red disc on beige. */
    private Path picture(String name, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0xf5, 0xf0, 0xe1));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(0xd0, 0x20, 0x20));
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private Path mask(String name, int w, int h, int x, int y, int bw, int bh, int argb) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                boolean in = c >= x && c < x + bw && r >= y && r < y + bh;
                image.setRGB(c, r, in ? argb : 0xff000000);
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private CliRun run(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of(QUICK)).toArray(String[]::new);
        return CliRun.run(all);
    }

    @Test
    void theBoxIsRepaintedAndEveryOtherPixelIsTheInputsExactly() throws IOException {
        Path input = picture("disc.png", 64, 64);
        Path out = dir.resolve("out");
        CliRun run = run("inpaint", input.toString(), "--box", "16,16,32,32", "a blue square", "-n", "2", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        BufferedImage in = ImageIO.read(input.toFile());
        for (int k = 1; k <= 2; k++) {
            BufferedImage result = ImageIO.read(out.resolve("disc-inpaint-a-blue-square-s0-" + k + ".png").toFile());
            assertEquals(64, result.getWidth());
            int changed = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    boolean inBox = x >= 16 && x < 48 && y >= 16 && y < 48;
                    if (!inBox) {
                        assertEquals(in.getRGB(x, y), result.getRGB(x, y), "pixel " + x + "," + y + " outside the box");
                    } else if (in.getRGB(x, y) != result.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertTrue(changed > 500, "only " + changed + " pixels of the box changed");
        }
        assertTrue(Files.exists(out.resolve("disc-inpaint-a-blue-square-s0-sheet.png")));
    }

    @Test
    void aMaskPictureWorksLikeTheBox() throws IOException {
        Path input = picture("disc.png", 64, 64);
        Path m = mask("mask.png", 64, 64, 16, 16, 32, 32, 0xffffffff);
        CliRun byMask = run("inpaint", input.toString(), "--mask", m.toString(), "a blue square", "-n", "1",
                "--out", dir.resolve("a").toString());
        CliRun byBox = run("inpaint", input.toString(), "--box", "16,16,32,32", "a blue square", "-n", "1",
                "--out", dir.resolve("b").toString());
        assertEquals(0, byMask.code(), byMask.err());
        assertEquals(0, byBox.code(), byBox.err());
        String name = "disc-inpaint-a-blue-square-s0-1.png";
        assertEquals(-1, Files.mismatch(dir.resolve("a").resolve(name), dir.resolve("b").resolve(name)));
    }

    @Test
    void badMasksAndOptionsAreOneLineErrorsAndWriteNothing() throws IOException {
        Path input = picture("disc.png", 64, 64);
        String out = dir.resolve("out").toString();
        String none = dir.resolve("no-model").toString();
        // command-line errors come before the model loads (the model folder does not exist)
        CliRun.run("inpaint", input.toString(), "x", "--model", none, "--out", out)
                .assertOneLineError(2, "give either --mask or --box");
        CliRun.run("inpaint", input.toString(), "x", "--box", "1,1,2,2", "--mask", input.toString(), "--model", none, "--out", out)
                .assertOneLineError(2, "give either --mask or --box");
        CliRun.run("inpaint", input.toString(), "x", "--box", "1,1,2", "--model", none, "--out", out)
                .assertOneLineError(2, "--box must be X,Y,W,H (four integers), got '1,1,2'");
        CliRun.run("inpaint", input.toString(), "x", "--box", "40,40,32,32", "--model", none, "--out", out)
                .assertOneLineError(2, "--box: the box 40,40,32,32 does not lie inside the 64x64 image");
        CliRun.run("inpaint", input.toString(), "x", "--box", "0,0,0,4", "--model", none, "--out", out)
                .assertOneLineError(2, "--box: the box must be at least 1 pixel wide and high, got 0x4");
        CliRun.run("inpaint", input.toString(), "x", "--box", "0,0,4,4", "--resample", "11", "--model", none, "--out", out)
                .assertOneLineError(2, "--resample must be between 0 and 10, got 11");
        Path small = mask("small.png", 32, 32, 0, 0, 8, 8, 0xffffffff);
        CliRun.run("inpaint", input.toString(), "x", "--mask", small.toString(), "--model", none, "--out", out)
                .assertOneLineError(1, small + ": the mask is 32x32 pixels but the image " + input + " is 64x64");
        Path black = mask("black.png", 64, 64, 0, 0, 0, 0, 0xffffffff);
        CliRun.run("inpaint", input.toString(), "x", "--mask", black.toString(), "--model", none, "--out", out)
                .assertOneLineError(1, black + ": the mask has no white pixel: nothing to repaint (white = repaint)");
        Path clear = mask("clear.png", 64, 64, 0, 0, 64, 64, 0x00ffffff);
        CliRun.run("inpaint", input.toString(), "x", "--mask", clear.toString(), "--model", none, "--out", out)
                .assertOneLineError(1, "nothing to repaint");
        Path text = Files.writeString(dir.resolve("mask.png.txt"), "not an image");
        CliRun.run("inpaint", input.toString(), "x", "--mask", text.toString(), "--model", none, "--out", out)
                .assertOneLineError(1, text + ": not an image in a readable format");
        CliRun.run("inpaint", dir.resolve("missing.png").toString(), "x", "--box", "0,0,4,4", "--model", none, "--out", out)
                .assertOneLineError(1, "missing.png");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aFullMaskIsGenerationAndSaysSo() throws IOException {
        Path input = picture("disc.png", 64, 64);
        CliRun run = run("inpaint", input.toString(), "--box", "0,0,64,64", "a blue square", "-n", "1",
                "--out", dir.resolve("out").toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("note: the mask covers the whole image, so nothing is kept"), run.err());
    }

    @Test
    void aNonSquareImageAndItsMaskAreCutToTheSameCentredSquare() throws IOException {
        Path input = picture("wide.png", 96, 64);
        CliRun run = run("inpaint", input.toString(), "--box", "0,0,40,64", "a blue square", "-n", "1",
                "--out", dir.resolve("out").toString());
        assertEquals(0, run.code(), run.err());
        BufferedImage in = ImageIO.read(input.toFile());
        BufferedImage result = ImageIO.read(dir.resolve("out").resolve("wide-inpaint-a-blue-square-s0-1.png").toFile());
        assertEquals(64, result.getWidth());
        // the square is columns 16..79 of the input; the box covers its columns 0..23, the rest is kept
        for (int y = 0; y < 64; y++) {
            for (int x = 24; x < 64; x++) {
                assertEquals(in.getRGB(x + 16, y), result.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void outpaintingGrowsTheCanvasAroundTheUnchangedOriginal() throws IOException {
        Path input = picture("disc.png", 64, 64);
        Path out = dir.resolve("out");
        CliRun run = run("outpaint", input.toString(), "--extend", "all", "--pixels", "16", "a red circle", "-n", "2",
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        BufferedImage in = ImageIO.read(input.toFile());
        for (String k : List.of("1", "2")) {
            BufferedImage result = ImageIO.read(out.resolve("disc-outpaint-all-a-red-circle-s0-" + k + ".png").toFile());
            assertEquals(96, result.getWidth());
            assertEquals(96, result.getHeight());
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    assertEquals(in.getRGB(x, y), result.getRGB(x + 16, y + 16), "original pixel " + x + "," + y);
                }
            }
        }
        CliRun right = run("outpaint", input.toString(), "--extend", "right", "--pixels", "40", "a red circle", "-n", "1",
                "--out", out.toString());
        assertEquals(0, right.code(), right.err());
        BufferedImage wide = ImageIO.read(out.resolve("disc-outpaint-right-a-red-circle-s0-1.png").toFile());
        assertEquals(104, wide.getWidth());
        assertEquals(64, wide.getHeight());
    }

    @Test
    void badOutpaintOptionsAreCommandLineErrors() throws IOException {
        Path input = picture("disc.png", 64, 64);
        String none = dir.resolve("no-model").toString();
        String out = dir.resolve("out").toString();
        CliRun.run("outpaint", input.toString(), "x", "--extend", "sideways", "--model", none, "--out", out)
                .assertOneLineError(2, "--extend must be one of left, right, up, down, all, got 'sideways'");
        CliRun.run("outpaint", input.toString(), "x", "--extend", "up", "--pixels", "0", "--model", none, "--out", out)
                .assertOneLineError(2, "--pixels must be between 1 and 128, got 0");
        CliRun.run("outpaint", input.toString(), "x", "--extend", "up", "--pixels", "129", "--model", none, "--out", out)
                .assertOneLineError(2, "--pixels must be between 1 and 128, got 129");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void evalInpaintReportsKeptPixelsSeamsShapesAndRecall() throws IOException {
        Path data = dir.resolve("shapes");
        assertEquals(0, CliRun.run("data", "shapes", "--out", data.toString(), "--count", "100", "--size", "32",
                "--seed", "3").code());
        // the shipped shapes model's prior names data/shapes as its dataset; point a copy of the model at this one
        Path model = dir.resolve("model");
        for (String part : List.of("clip", "prior", "decoder", "upsampler")) {
            Files.createDirectories(model.resolve(part));
            try (Stream<Path> files = Files.list(Path.of("models/shapes", part))) {
                for (Path f : files.toList()) {
                    String text = f.getFileName().toString().equals("config.json")
                            ? Files.readString(f).replace("\"data/shapes\"", "\"" + data.toString().replace("\\", "/") + "\"") : null;
                    if (text != null) {
                        Files.writeString(model.resolve(part).resolve(f.getFileName()), text);
                    } else {
                        Files.copy(f, model.resolve(part).resolve(f.getFileName()));
                    }
                }
            }
        }
        Path out = dir.resolve("eval");
        CliRun run = CliRun.run("eval", "inpaint", "--model", model.toString(), "--count", "3", "--steps", "2",
                "--prior-steps", "2", "--best-of", "1", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(" held-out images of " + data + " (64 px, the middle 32x32 masked"), run.out());
        assertTrue(run.out().contains("pixels outside the mask: mean error 0.000 (of 255)"), run.out());
        assertTrue(run.out().contains("seam: mean jump across the border "), run.out());
        assertTrue(run.out().contains("CLIP image→text recall@5 over "), run.out());
        assertTrue(Files.exists(out.resolve("strips.png")));
        assertTrue(Files.exists(out.resolve("images/000002.png")));
        assertTrue(Files.exists(out.resolve("captions.jsonl")));
    }

    /** A copy of the shapes model with an inpainting decoder: its decoder widened to 7 input channels (the new ones zero). */
    private Path modelWithInpaintingDecoder() throws IOException {
        Path model = dir.resolve("model-inpaint");
        for (String part : List.of("clip", "prior", "decoder", "upsampler")) {
            Files.createDirectories(model.resolve(part));
            try (Stream<Path> files = Files.list(Path.of("models/shapes", part))) {
                for (Path f : files.toList()) {
                    Files.copy(f, model.resolve(part).resolve(f.getFileName()));
                }
            }
        }
        Path inpaint = Files.createDirectories(model.resolve("decoder-inpaint"));
        Files.writeString(inpaint.resolve("config.json"), Files.readString(Path.of("models/shapes/decoder/config.json"))
                .replace("\"inChannels\" : 3", "\"inChannels\" : 7"));
        dev.dalle2.nn.Scopes.freeing(() -> {
            java.util.Map<String, org.bytedeco.pytorch.Tensor> weights =
                    new java.util.LinkedHashMap<>(dev.dalle2.io.NetworkFolder.weights(Path.of("models/shapes/decoder")));
            org.bytedeco.pytorch.Tensor conv = weights.get("conv_in.weight");
            weights.put("conv_in.weight", dev.dalle2.nn.Ops.cat(1, conv,
                    dev.dalle2.nn.Ops.zeros(conv.size(0), 4, conv.size(2), conv.size(3))));
            dev.dalle2.io.Safetensors.write(inpaint.resolve("weights.safetensors"), weights, java.util.Map.of());
            return null;
        });
        return model;
    }

    @Test
    void theMethodOptionPicksTheInpaintingDecoderOrRePaint() throws IOException {
        Path input = picture("disc.png", 64, 64);
        Path model = modelWithInpaintingDecoder();
        String[] quick = {"--model", model.toString(), "--steps", "2", "--prior-steps", "2", "--best-of", "1", "-n", "2",
                "--box", "16,16,32,32"};
        CliRun byDecoder = CliRun.run(Stream.concat(Stream.of("inpaint", input.toString(), "a blue square", "--out",
                dir.resolve("d").toString()), Stream.of(quick)).toArray(String[]::new));
        CliRun byRepaint = CliRun.run(Stream.concat(Stream.of("inpaint", input.toString(), "a blue square", "--out",
                dir.resolve("r").toString(), "--method", "repaint"), Stream.of(quick)).toArray(String[]::new));
        assertEquals(0, byDecoder.code(), byDecoder.err());
        assertEquals(0, byRepaint.code(), byRepaint.err());
        String name = "disc-inpaint-a-blue-square-s0-1.png";
        assertTrue(Files.mismatch(dir.resolve("d").resolve(name), dir.resolve("r").resolve(name)) >= 0,
                "the inpainting decoder (the default when the model has one) draws other images than RePaint");
        BufferedImage in = ImageIO.read(input.toFile());
        BufferedImage result = ImageIO.read(dir.resolve("d").resolve(name).toFile());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                if (!(x >= 16 && x < 48 && y >= 16 && y < 48)) {
                    assertEquals(in.getRGB(x, y), result.getRGB(x, y), "pixel " + x + "," + y + " outside the box");
                }
            }
        }
        CliRun none = run("inpaint", input.toString(), "x", "--box", "0,0,4,4", "--method", "decoder", "-n", "1",
                "--out", dir.resolve("n").toString());
        none.assertOneLineError(1, "models/shapes has no inpainting decoder (decoder-inpaint/); use the method repaint");
        CliRun.run("inpaint", input.toString(), "x", "--box", "0,0,4,4", "--method", "glide", "--model", "none",
                "--out", dir.resolve("n").toString()).assertOneLineError(2, "--method must be repaint or decoder, got 'glide'");
    }
}
