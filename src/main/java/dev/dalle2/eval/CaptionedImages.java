package dev.dalle2.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Images;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes generated images with their captions as a caption folder that {@code eval shapes} and
 * {@link CaptionDataset} read: the k-th image added becomes {@code images/%06d.png} (k from 0), written
 * atomically as it comes; {@link #finish} then writes {@value CaptionDataset#CAPTIONS}, one line
 * {@code {"image":"images/000000.png","caption":"..."}} per image in order, atomically. A writing that
 * fails before {@link #finish} leaves complete PNGs but no {@value CaptionDataset#CAPTIONS}, so the
 * folder is never mistaken for a finished one (an existing one is left as it was).
 */
public final class CaptionedImages {
    /** The subfolder the images go to. */
    public static final String FOLDER = "images";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path out;
    private final StringBuilder lines = new StringBuilder();
    private int count;

    /** A writer into {@code out}; nothing is written until the first image. */
    public CaptionedImages(Path out) {
        this.out = out;
    }

    /** The file name, relative to the folder, of the image with index {@code index}: {@code images/000042.png}. */
    public static String name(int index) {
        return String.format(FOLDER + "/%06d.png", index);
    }

    /** Writes {@code image} [3, S, S] in [-1, 1] as the next PNG and remembers its caption; returns its file name. */
    public String add(Tensor image, String caption) throws IOException {
        String name = name(count);
        Images.write(out.resolve(name), image);
        lines.append(line(name, caption)).append('\n');
        count++;
        return name;
    }

    /** The images written so far. */
    public int count() {
        return count;
    }

    /** Writes {@value CaptionDataset#CAPTIONS} for every image added, atomically. */
    public void finish() throws IOException {
        byte[] jsonl = lines.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(out.resolve(CaptionDataset.CAPTIONS), o -> o.write(jsonl));
    }

    private static String line(String name, String caption) throws JsonProcessingException {
        return JSON.writeValueAsString(JSON.createObjectNode().put("image", name).put("caption", caption));
    }
}
