package dev.dalle2.serve;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Turns a request's fields into an {@link ImageRequest}, checking every field against the {@link Limits} with
 * OpenAI's field names and 400 errors that name the field. Uploads are checked by size, then by their first bytes
 * (PNG or JPEG only), then by the width and height in their header, and only then decoded.
 */
final class RequestParser {
    /** Sizes OpenAI's DALL·E 2 accepts; the server returns the model's image scaled up to them. */
    static final List<Integer> OPENAI_SIDES = List.of(256, 512, 1024);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
    /** Frames of an interpolation when the request does not say. */
    static final int DEFAULT_FRAMES = 8;
    /** The largest guidance scale a request may ask for. */
    static final double MAX_GUIDANCE = 50;

    private final Limits limits;
    private final int modelSize;

    RequestParser(Limits limits, int modelSize) {
        this.limits = limits;
        this.modelSize = modelSize;
    }

    /** The sizes a request may ask for, as {@code "WxH"}, the model's own first. */
    List<String> sizes() {
        return Stream.concat(Stream.of(modelSize), OPENAI_SIDES.stream().filter(s -> s > modelSize)).map(s -> s + "x" + s).toList();
    }

    ImageRequest parse(Operation op, Fields f) {
        String prompt = null;
        if (op == Operation.GENERATIONS || op == Operation.EDITS) {
            prompt = f.string("prompt");
            if (prompt == null || prompt.isBlank()) {
                throw ApiException.invalid("prompt", "'prompt' is required and must not be empty");
            }
            if (prompt.length() > limits.promptChars()) {
                throw ApiException.invalid("prompt", "'prompt' is " + prompt.length() + " characters long; the limit is "
                        + limits.promptChars());
            }
        }
        int n = op == Operation.INTERPOLATIONS ? between(f, "frames", 2, limits.frames(), DEFAULT_FRAMES)
                : between(f, "n", 1, limits.images(), 1);
        int size = size(f.string("size"));
        String format = f.string("response_format");
        if (format != null && !format.equals("url") && !format.equals("b64_json")) {
            throw ApiException.invalid("response_format", "'response_format' must be 'url' or 'b64_json', got '" + format + "'");
        }
        Integer seed = f.integer("seed");
        int steps = between(f, "steps", 2, limits.steps(), 0);
        Double guidance = f.number("guidance");
        if (guidance != null && !(guidance >= 0 && guidance <= MAX_GUIDANCE)) {
            throw ApiException.invalid("guidance", "'guidance' must be between 0 and " + (int) MAX_GUIDANCE + ", got " + guidance);
        }
        BufferedImage image = null;
        BufferedImage image2 = null;
        boolean[] repaint = null;
        if (op != Operation.GENERATIONS) {
            image = image(f, "image", true);
        }
        if (op == Operation.INTERPOLATIONS) {
            image2 = image(f, "image2", true);
        }
        if (op == Operation.EDITS) {
            BufferedImage mask = image(f, "mask", false);
            repaint = repaint(image, mask);
        }
        return new ImageRequest(op, prompt, n, size, "b64_json".equals(format),
                seed != null ? seed : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE), steps,
                guidance != null ? guidance : Double.NaN, image, image2, repaint);
    }

    /** An integer field in [min, max], or {@code absent} when it is missing. */
    private static int between(Fields f, String name, int min, int max, int absent) {
        Integer v = f.integer(name);
        if (v == null) {
            return absent;
        }
        if (v < min || v > max) {
            throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private int size(String text) {
        if (text == null) {
            return modelSize;
        }
        List<String> sizes = sizes();
        if (!sizes.contains(text)) {
            throw ApiException.invalid("size", "invalid_size", "'" + text + "' is not one of " + sizes + " - 'size'");
        }
        return Integer.parseInt(text.substring(0, text.indexOf('x')));
    }

    /**
     * The uploaded image {@code name}: a 400 naming it when it is missing (and required), too large, not a PNG or JPEG,
     * too many pixels by its header, or undecodable.
     */
    private BufferedImage image(Fields f, String name, boolean required) {
        Fields.Upload upload = f.file(name);
        if (upload == null) {
            if (required) {
                throw ApiException.invalid(name, "'" + name + "' is required: upload a PNG or JPEG file in the multipart field '" + name + "'");
            }
            return null;
        }
        if (upload.size() > limits.uploadBytes()) {
            throw ApiException.invalid(name, "'" + name + "' is " + upload.size() + " bytes; uploads must be less than "
                    + limits.uploadBytes() / (1024 * 1024) + " MB");
        }
        byte[] bytes = upload.bytes();
        if (!startsWith(bytes, PNG) && !startsWith(bytes, JPEG)) {
            throw ApiException.invalid(name, "invalid_image_format", "'" + name + "' must be a PNG or JPEG image");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) { // never a temporary file
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.invalid(name, "invalid_image_format", "'" + name + "' must be a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w > limits.uploadSide() || h > limits.uploadSide()) {
                    throw ApiException.invalid(name, "image_too_large", "'" + name + "' is " + w + "x" + h
                            + " pixels; at most " + limits.uploadSide() + " pixels a side are accepted");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.invalid(name, "invalid_image", "'" + name + "' could not be decoded as an image: "
                    + String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Where an edit repaints, OpenAI's way: the mask's fully transparent pixels, or without a mask the image's own;
     * a 400 when the mask is not the image's size, has no transparency, or leaves nothing to repaint.
     */
    private static boolean[] repaint(BufferedImage image, BufferedImage mask) {
        String param = mask != null ? "mask" : "image";
        BufferedImage source = mask != null ? mask : image;
        if (mask != null && (mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight())) {
            throw ApiException.invalid("mask", "'mask' is " + mask.getWidth() + "x" + mask.getHeight()
                    + " pixels but 'image' is " + image.getWidth() + "x" + image.getHeight() + "; they must be the same size");
        }
        if (!source.getColorModel().hasAlpha()) {
            throw ApiException.invalid(param, "'" + param + "' has no transparency; fully transparent pixels "
                    + (mask != null ? "of the mask" : "of the image (when no mask is given)") + " mark what to edit");
        }
        int w = source.getWidth();
        int h = source.getHeight();
        int[] argb = source.getRGB(0, 0, w, h, null, 0, w);
        boolean[] repaint = new boolean[w * h];
        boolean any = false;
        for (int i = 0; i < argb.length; i++) {
            repaint[i] = (argb[i] >>> 24) == 0;
            any |= repaint[i];
        }
        if (!any) {
            throw ApiException.invalid(param, "'" + param + "' has no fully transparent pixel: nothing to edit");
        }
        return repaint;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
