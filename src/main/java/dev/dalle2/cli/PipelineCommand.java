package dev.dalle2.cli;

import dev.dalle2.data.SquareImages;
import dev.dalle2.io.Images;
import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What {@code generate}, {@code vary}, {@code interpolate} and {@code edit} share: load the model
 * folder, run inside one pointer scope, write each image and a contact sheet to the output folder,
 * and report the files and the time taken.
 */
abstract class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions options;

    /** The images to write, [N, 3, S, S] in [-1, 1]. */
    abstract Tensor run(Pipeline pipeline) throws IOException;

    /** The file name stem of this call's outputs. */
    abstract String stem();

    /** Images per row of the contact sheet. */
    int sheetColumns(long count) {
        return (int) Math.min(count, 4);
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Pipeline pipeline = Pipeline.load(options.model);
        List<Path> written = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            Tensor images = run(pipeline);
            Files.createDirectories(options.out);
            for (int i = 0; i < images.size(0); i++) {
                Path file = options.out.resolve(String.format("%s-%d.png", stem(), i + 1));
                Images.write(file, images.get(i));
                written.add(file);
            }
            Path sheet = options.out.resolve(stem() + "-sheet.png");
            Images.write(sheet, Images.grid(images, sheetColumns(images.size(0)), 2));
            written.add(sheet);
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d images and a contact sheet to %s in %.1f s%n",
                written.size() - 1, options.out, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** An input image, resized and centre-cropped to CLIP's input, as [3, S, S]; one-line errors for bad files. */
    static Tensor readImage(Path file, Pipeline pipeline) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": cannot decode image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + ": not an image in a readable format (PNG, JPEG, BMP or GIF)");
        }
        return Images.toTensor(SquareImages.square(image, pipeline.clip().model().config().imageSize()));
    }

    /** A file-name-safe version of a text: lower-case words joined by dashes, at most 60 characters. */
    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        s = s.length() > 60 ? s.substring(0, 60).replaceAll("-+$", "") : s;
        return s.isEmpty() ? "image" : s;
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return slug(dot > 0 ? name.substring(0, dot) : name);
    }
}
