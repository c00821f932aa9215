package dev.dalle2.cli;

import dev.dalle2.data.SquareImages;
import dev.dalle2.io.Checksums;
import dev.dalle2.io.Folders;
import dev.dalle2.io.Images;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What {@code generate}, {@code vary}, {@code interpolate} and {@code edit} share: check the options and the output
 * folder, load the model folder, make the images in batches of at most {@link #batchSize()} (each freed once its
 * PNGs are written, so memory stays flat however many are asked for), write a contact sheet of the first
 * {@value #SHEET_MAX}, and report the files and the time taken.
 */
abstract class PipelineCommand implements Callable<Integer> {
    /** Images {@code generate -n} and {@code vary -n} make at most in one call. */
    static final int MAX_COUNT = 10_000;
    /** Images they make at once. */
    static final int BATCH = 16;
    /** Images an interpolation or an edit strip holds at most (they are made at once, from one noise). */
    static final int MAX_FRAMES = 64;
    /** Images a contact sheet shows at most. */
    static final int SHEET_MAX = 64;
    /** Bytes one PNG may take at most, per pixel, with room for its header: an uncompressed RGB image. */
    private static final double PNG_BYTES_PER_PIXEL = 3.1;

    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions options;

    @CommandLine.Option(names = "--timings",
            description = "Print where this call's time went: loading, CLIP, prior, decoder, upsampler, PNG writing "
                    + "(the JVM's start is the wall time less the time the command prints).")
    boolean timings;

    /** Seconds spent writing PNGs in this call. */
    private double pngSeconds;

    /** Images this call makes. */
    abstract int count();

    /** Images {@code from} to {@code from + n - 1} of this call, [n, 3, S, S] in [-1, 1]. */
    abstract Tensor batch(Pipeline pipeline, int from, int n) throws IOException;

    /** The file name stem of this call's outputs. */
    abstract String stem();

    /** Fails with a parameter error (exit code 2) when this command's own options are out of range; none by default. */
    void validate(CommandLine cli) throws IOException {}

    /** A parameter error unless {@code count} is between 1 and {@link #MAX_COUNT}. */
    static void requireCount(CommandLine cli, String option, int count) {
        requireBetween(cli, option, count, 1, MAX_COUNT, " (run several calls with different --seed values)");
    }

    /** A parameter error unless {@code frames} is between 2 and {@link #MAX_FRAMES}. */
    static void requireFrames(CommandLine cli, int frames) {
        requireBetween(cli, "--frames", frames, 2, MAX_FRAMES, "");
    }

    /** A parameter error naming {@code option} unless {@code value} is in [min, max]; {@code hint} follows a value over max. */
    private static void requireBetween(CommandLine cli, String option, int value, int min, int max, String hint) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(cli, option + " must be between " + min + " and " + max
                    + ", got " + value + (value > max ? hint : ""));
        }
    }

    /** Fails before any loading when an input image file is missing. */
    static void requireImage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
    }

    /** Images made at once: all of them unless a command can split its work. */
    int batchSize() {
        return count();
    }

    /** Pictures the contact sheet starts with, before the results (of their size): none by default. */
    List<BufferedImage> sheetLead(Pipeline pipeline) {
        return List.of();
    }

    /** Images per row of the contact sheet. */
    int sheetColumns(long count) {
        return (int) Math.min(count, 4);
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        options.validate(spec.commandLine());
        validate(spec.commandLine());
        try {
            Folders.requireWritable(options.out);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + e.getMessage());
        }
        long loadStart = System.nanoTime();
        Pipeline pipeline = Pipeline.load(options.model);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        requireSpace(pipeline.imageSize());
        int total = count();
        int batch = batchSize();
        List<BufferedImage> sheet = new ArrayList<>(Scopes.freeing(() -> sheetLead(pipeline)));
        boolean batched = batch < total;
        pipeline.showProgress(!batched);
        try (Progress progress = batched ? new Progress("images", total) : null) {
            for (int from = 0; from < total; from += batch) {
                int n = Math.min(batch, total - from);
                int first = from;
                Scopes.freeing(() -> writeBatch(batch(pipeline, first, n), first, sheet));
                if (batched) {
                    progress.update(from + n, "");
                }
            }
        }
        Path sheetFile = options.out.resolve(stem() + "-sheet.png");
        long sheetStart = System.nanoTime();
        Scopes.freeing(() -> {
            Images.write(sheetFile, Images.grid(Ops.stack(0, sheet.stream().map(Images::toTensor).toArray(Tensor[]::new)),
                    sheetColumns(sheet.size()), 2));
            return null;
        });
        pngSeconds += (System.nanoTime() - sheetStart) / 1e9;
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d images and a contact sheet%s to %s in %.1f s%n",
                total, total > SHEET_MAX ? " of the first " + SHEET_MAX : "", options.out, seconds);
        if (timings) {
            spec.commandLine().getOut().println(timings(loadSeconds, pipeline, seconds));
        }
        return 0;
    }

    /**
     * The {@code --timings} line: seconds per part of this call, the rest as "other". The JVM's start comes before the
     * call and is not in it (a JVM cannot time its own start to better than its boot clock's second).
     */
    private String timings(double loadSeconds, Pipeline pipeline, double seconds) {
        StringBuilder line = new StringBuilder("timings:");
        line.append(String.format(Locale.ROOT, " loading %.2f s,", loadSeconds));
        double accounted = loadSeconds + pngSeconds;
        for (var stage : pipeline.times().seconds().entrySet()) {
            line.append(String.format(Locale.ROOT, " %s %.2f s,", stage.getKey(), stage.getValue()));
            accounted += stage.getValue();
        }
        line.append(String.format(Locale.ROOT, " PNG writing %.2f s, other %.2f s", pngSeconds, seconds - accounted));
        return line.toString();
    }

    /** Writes images [n, 3, S, S] as files {@code from + 1 ...}, keeping the sheet's share of them. */
    private Void writeBatch(Tensor images, int from, List<BufferedImage> sheet) throws IOException {
        long pngStart = System.nanoTime();
        for (int i = 0; i < images.size(0); i++) {
            Images.write(options.out.resolve(String.format(Locale.ROOT, "%s-%d.png", stem(), from + i + 1)), images.get(i));
            if (sheet.size() < SHEET_MAX) {
                sheet.add(Images.toImage(images.get(i)));
            }
        }
        pngSeconds += (System.nanoTime() - pngStart) / 1e9;
        return null;
    }

    /** Fails before any sampling when the output folder's disk cannot hold the PNGs at their largest. */
    private void requireSpace(int imageSize) throws IOException {
        double pixels = (double) imageSize * imageSize;
        double needed = PNG_BYTES_PER_PIXEL * pixels * (count() + Math.min(count(), SHEET_MAX) * 1.2) + 4096.0 * count();
        long free = Folders.usableSpace(options.out);
        if (free < needed) {
            throw new IOException(options.out + ": " + Folders.bytes(free) + " free, but " + count() + " images of "
                    + imageSize + " px may need " + Folders.bytes(needed));
        }
    }

    /**
     * The seed of batch {@code index}: the call's seed for the first (so a call that fits one batch draws what it
     * always drew), then seeds spread by the golden-ratio increment so that batches never share noise.
     */
    static long batchSeed(long seed, int index) {
        return seed + index * 0x9E3779B97F4A7C15L;
    }

    /** An input image, resized and centre-cropped to CLIP's input, as [3, S, S]; one-line errors for bad files. */
    static Tensor readImage(Path file, Pipeline pipeline) throws IOException {
        return Images.toTensor(SquareImages.square(decodeImage(file), pipeline.clip().model().config().imageSize()));
    }

    /** An input image as it is in its file; one-line errors naming the file when it is missing or not an image. */
    static BufferedImage decodeImage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + ": not an image in a readable format (PNG, JPEG, BMP or GIF)");
        }
        return image;
    }

    /**
     * A file-name-safe version of a text: lower-case ASCII words joined by dashes, at most 60 characters. When that
     * drops more than case, spaces and punctuation (a non-ASCII character such as an emoji or an accent, or the
     * words after the 60th character), eight hex digits of the text's SHA-256 follow, so that "a 🍎 red circle" and
     * "a red circle" do not write the same files.
     */
    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        boolean lossy = s.length() > 60 || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        s = s.length() > 60 ? s.substring(0, 60).replaceAll("-+$", "") : s;
        s = s.isEmpty() ? "image" : s;
        return lossy ? s + "-" + Checksums.sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 8) : s;
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return slug(dot > 0 ? name.substring(0, dot) : name);
    }
}
