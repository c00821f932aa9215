package dev.dalle2.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/** Small files for the data tests, written on the spot: PNGs, caption folders and tar shards. */
public final class TestData {
    private TestData() {}

    /** A w×h ARGB picture whose pixel (x, y) is {@code argb(x, y)}. */
    public static BufferedImage image(int w, int h, IntBinaryOperator argb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, argb.applyAsInt(x, y));
            }
        }
        return image;
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes a w×h PNG of one opaque colour to {@code file}, creating folders. */
    public static Path png(Path file, int w, int h, int rgb) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png(image(w, h, (x, y) -> 0xff000000 | rgb)));
        return file;
    }

    /**
     * A caption folder: five images of different sizes, two with the same file name, concepts and groups
     * on every other line, one line without a caption, and a LICENSES.md.
     */
    public static Path captionFolder(Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            String image = i == 0 ? "images/same.png" : i == 1 ? "images/more/same.png" : "images/img" + i + ".png";
            png(dir.resolve(image), 8 + 4 * i, 12, 0x10204 * (i + 1));
            lines.append("{\"image\": \"%s\", \"caption\": \"picture %d\", \"captions\": [\"picture %d\", \"variant %d\"]%s}\n"
                    .formatted(image, i, i, i, i % 2 == 0 ? ", \"concept\": \"c" + i + "\", \"group\": \"g\"" : ""));
        }
        lines.append("{\"image\": \"images/img2.png\"}\n");
        Files.writeString(dir.resolve("captions.jsonl"), lines);
        Files.writeString(dir.resolve("LICENSES.md"), "# licences\n");
        return dir;
    }

    /** Writes a tar archive of {@code files} (name → bytes, in order), gzip-compressed when {@code gzip}. */
    public static Path tar(Path file, Map<String, byte[]> files, boolean gzip) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip ? new GzipCompressorOutputStream(out) : out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(f.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
