package dev.dalle2.data.shapes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a shapes folder: images listed in {@code captions.jsonl} with their captions and, when the
 * line has none, attributes parsed from the caption.
 */
public final class ShapesDataset {
    private ShapesDataset() {}

    /** One image of the folder: its file, caption and attributes. */
    public record Entry(Path image, String caption, ShapeAttributes attributes) {
        /** The image's pixels; an IOException naming the file when it cannot be decoded. */
        public BufferedImage read() throws IOException {
            BufferedImage pixels = ImageIO.read(image.toFile());
            if (pixels == null) {
                throw new IOException(image + ": not an image in a readable format");
            }
            return pixels;
        }
    }

    /**
     * Every entry of {@code dir}'s {@code captions.jsonl}, in file order.
     *
     * @throws IOException when the folder or its captions file is missing, a line is not a JSON
     *                     object with an image that exists and a caption, or the folder lists no images;
     *                     the message names the file and line
     */
    public static List<Entry> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such folder");
        }
        Path file = dir.resolve(CaptionDataset.CAPTIONS);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(dir.toString(), null, "no " + CaptionDataset.CAPTIONS + " in this folder");
        }
        ObjectMapper json = new ObjectMapper();
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            try {
                entries.add(entry(dir, json.readTree(lines.get(n))));
            } catch (JsonProcessingException e) {
                throw new IOException(file + " line " + (n + 1) + ": not JSON: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(file + " lists no images");
        }
        return entries;
    }

    private static Entry entry(Path dir, JsonNode line) {
        if (!line.isObject() || !line.path("image").isTextual() || !line.path("caption").isTextual()) {
            throw new IllegalArgumentException("expected an object with text fields 'image' and 'caption'");
        }
        Path image = dir.resolve(line.get("image").asText());
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("image " + line.get("image").asText() + " does not exist");
        }
        String caption = line.get("caption").asText();
        JsonNode attributes = line.get("attributes");
        return new Entry(image, caption, attributes == null || attributes.isNull()
                ? ShapeAttributes.parse(caption) : ShapeAttributes.fromJson(attributes));
    }
}
