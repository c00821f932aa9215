package dev.dalle2.serve;

import dev.dalle2.data.Masks;
import dev.dalle2.data.SquareImages;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Inpainting;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.pipeline.Settings;
import dev.dalle2.pipeline.StageListener;
import org.bytedeco.pytorch.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the server calls the model: an {@link ImageRequest} becomes a {@link Pipeline} call and its images
 * PNG files. Not thread-safe, like the pipeline: the {@link JobQueue}'s worker is its only caller.
 */
final class Renderer {
    private final Pipeline pipeline;

    Renderer(Pipeline pipeline) {
        this.pipeline = pipeline;
        pipeline.showProgress(false);
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** The stages {@code request} runs through, in order (what {@link Job.Progress#fraction} is measured over). */
    List<String> stages(ImageRequest request) {
        List<String> stages = new ArrayList<>();
        if (request.operation().usesPrior()) {
            stages.add("prior");
        }
        stages.add("decoder");
        if (pipeline.hasUpsampler()) {
            stages.add("upsampler");
        }
        return stages;
    }

    /** The request's images as PNGs of its size; {@code listener} hears every sampling step and may throw to stop. */
    List<byte[]> render(ImageRequest r, StageListener listener) {
        Settings settings = new Settings(0, r.steps(), r.steps(), Double.NaN, r.guidance(), 0, null, null);
        pipeline.onStep(listener);
        try {
            return Scopes.freeing(() -> pngs(switch (r.operation()) {
                case GENERATIONS -> pipeline.generate(r.prompt(), r.n(), r.seed(), settings);
                case VARIATIONS -> pipeline.vary(clipInput(r.image()), r.n(), r.seed(), settings);
                case INTERPOLATIONS -> pipeline.interpolate(clipInput(r.image()), clipInput(r.image2()), r.n(), r.seed(), settings);
                case EDITS -> {
                    int s = pipeline.imageSize();
                    Tensor mask = Ops.tensor(Masks.square(r.repaint(), r.image().getWidth(), r.image().getHeight(), s), 1, s, s);
                    yield pipeline.inpaint(Images.toTensor(SquareImages.square(r.image(), s)), mask, r.prompt(), r.n(),
                            r.seed(), settings, Inpainting.DEFAULT);
                }
            }, r.size()));
        } finally {
            pipeline.onStep(null);
        }
    }

    private Tensor clipInput(BufferedImage image) {
        return Images.toTensor(SquareImages.square(image, pipeline.clip().model().config().imageSize()));
    }

    /** Images [N, 3, S, S] as PNGs, scaled (bicubic) to {@code size} when it is larger than S. */
    private static List<byte[]> pngs(Tensor images, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < images.size(0); i++) {
            out.add(png(scaled(Images.toImage(images.get(i)), size)));
        }
        return out;
    }

    static BufferedImage scaled(BufferedImage image, int size) {
        if (image.getWidth() == size) {
            return image;
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(image, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    /**
     * A PNG in memory. Through a memory-cached stream: ImageIO's default for an OutputStream caches in a temporary file
     * and registers a shutdown hook for it, which fails while the JVM shuts down (a job finishing after SIGTERM).
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
