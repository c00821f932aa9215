package dev.dalle2.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An image-caption dataset held in memory at one square size S, for training: every image as 3·S·S
 * RGB bytes in CHW order (composited over white, its centred square scaled to S×S by
 * {@link SquareImages}), with its captions, concept, group and key. It loads any source that
 * {@link CaptionSource} reads: a folder with {@code captions.jsonl}, a {@code .tar} shard or a folder
 * of shards. Unreadable images, entries without a caption, duplicates and the entries of a shard cut
 * short are skipped and counted in one warning line, which also names any truncated or empty shard.
 */
public final class CaptionDataset {
    /** The file of a dataset folder that lists every image with its captions, one JSON object a line. */
    public static final String CAPTIONS = "captions.jsonl";
    /** The name ending of a shard: a tar file of {@code key.png} + {@code key.json} pairs. */
    public static final String SHARD_SUFFIX = ".tar";
    private static final int DECODE_BATCH = 256;

    private final int imageSize;
    private final List<Entry> entries;
    private final List<byte[]> pixels;

    /**
     * One entry: its key (unique in the dataset, stable across {@code data pack}), its captions (the
     * primary one first), the concept it shows and its group (each null when the source gives none).
     */
    public record Entry(String key, List<String> captions, String concept, String group) {
        public Entry {
            Objects.requireNonNull(key, "key");
            captions = List.copyOf(captions);
            if (captions.isEmpty()) {
                throw new IllegalArgumentException("entry " + key + " has no caption");
            }
        }

        /** The primary caption. */
        public String caption() {
            return captions.get(0);
        }
    }

    private CaptionDataset(int imageSize, List<Entry> entries, List<byte[]> pixels) {
        this.imageSize = imageSize;
        this.entries = Collections.unmodifiableList(entries);
        this.pixels = pixels;
    }

    /** {@link #load(Path, int, PrintStream)} with the progress bar and warnings on standard error. */
    public static CaptionDataset load(Path source, int imageSize) throws IOException {
        return load(source, imageSize, System.err);
    }

    /**
     * Every usable entry of {@code source} at {@code imageSize}×{@code imageSize}, in the source's
     * order; a progress bar and, when entries were skipped, one warning line go to {@code log}.
     *
     * @throws IOException when the source is missing, is not a dataset, cannot be read, or holds no
     *                     usable entry; the message is one line naming the file
     */
    public static CaptionDataset load(Path source, int imageSize, PrintStream log) throws IOException {
        if (imageSize < 1 || imageSize > 4096) {
            throw new IllegalArgumentException("image size must be in [1, 4096], got " + imageSize);
        }
        List<Entry> entries = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        Skips skips = new Skips();
        List<CaptionSource.Raw> pending = new ArrayList<>();
        CaptionSource.read(source, "load " + source.getFileName(), log, skips, raw -> {
            pending.add(raw);
            if (pending.size() == DECODE_BATCH) {
                decode(pending, imageSize, skips, entries, pixels);
                pending.clear();
            }
        });
        decode(pending, imageSize, skips, entries, pixels);
        skips.report(entries.size(), log);
        if (entries.isEmpty()) {
            String warning = skips.warning(0);
            throw new IOException(source + ": no usable entries" + (warning == null ? "" : " (" + warning + ")"));
        }
        return new CaptionDataset(imageSize, entries, pixels);
    }

    /** Decodes a batch of entries in parallel and keeps, in order, those whose image decodes. */
    private static void decode(List<CaptionSource.Raw> raws, int size, Skips skips, List<Entry> entries, List<byte[]> pixels) {
        byte[][] decoded = new byte[raws.size()][];
        String[] problems = new String[raws.size()];
        IntStream.range(0, raws.size()).parallel().forEach(i -> {
            try {
                decoded[i] = SquareImages.toChw(SquareImages.square(SquareImages.decode(raws.get(i).image()), size));
            } catch (IOException e) {
                problems[i] = e.getMessage();
            }
        });
        for (int i = 0; i < raws.size(); i++) {
            CaptionSource.Raw raw = raws.get(i);
            if (decoded[i] == null) {
                skips.add(Skips.UNREADABLE, raw.where() + ": " + problems[i]);
            } else {
                entries.add(new Entry(raw.key(), raw.captions(), raw.concept(), raw.group()));
                pixels.add(decoded[i]);
            }
        }
    }

    public int size() {
        return entries.size();
    }

    /** The side S of every image. */
    public int imageSize() {
        return imageSize;
    }

    public Entry entry(int i) {
        return entries.get(i);
    }

    /** Every entry, in order (unmodifiable). */
    public List<Entry> entries() {
        return entries;
    }

    /** Image {@code i} as 3·S·S RGB bytes in CHW order: the dataset's own array, not to be modified. */
    public byte[] pixels(int i) {
        return pixels.get(i);
    }

    /** Writes image {@code i} as 3·S·S floats x/127.5 − 1 in [-1, 1], CHW, into {@code out} from {@code offset}. */
    public void toFloats(int i, float[] out, int offset) {
        byte[] p = pixels.get(i);
        for (int j = 0; j < p.length; j++) {
            out[offset + j] = (p[j] & 0xff) / 127.5f - 1f;
        }
    }

    /** The indices, ascending, of the validation entries of {@code split} when {@code validation}, else of the training ones. */
    public int[] indices(Split split, boolean validation) {
        return IntStream.range(0, entries.size()).filter(i -> split.isValidation(entries.get(i)) == validation).toArray();
    }

    /**
     * The image files that the lines of {@code dir}'s {@value #CAPTIONS} name, in line order, whether
     * they exist or not; lines that are blank, not JSON or without an image are passed over.
     */
    public static List<Path> imageFiles(Path dir) throws IOException {
        return CaptionSource.images(dir);
    }
}
