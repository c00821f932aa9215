package dev.dalle2.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel.TextFeatures;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Checksums;
import dev.dalle2.io.Progress;
import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A dataset's CLIP embeddings, computed once and stored beside it, so prior and decoder training
 * never run the CLIP image encoder. One folder per CLIP model,
 * {@code <dataset>/embeddings/<first 16 hex digits of the model's fingerprint>/}, holding
 * {@code manifest.json} and safetensors shards; shard k covers a run of images and every caption
 * variant of those images:
 * <ul>
 *   <li>{@code image_embeds} [n, D] float32, unit length, one row per image;</li>
 *   <li>{@code text_embeds} [m, D] float32, unit length, one row per caption variant;</li>
 *   <li>{@code text_tokens} [m, T, W] float16, the text encoder's final token encodings;</li>
 *   <li>{@code text_ids} [m, T] int64, the caption's token ids (end token included);</li>
 *   <li>{@code caption_image} [m] int64, the dataset index of each caption's image.</li>
 * </ul>
 * Opening checks that the cache is of this format, was made by the same CLIP model (weights and
 * merges) from the dataset as it is now ({@link #datasetFingerprint}: its captions and images), and
 * that no shard changed since (SHA-256); otherwise a one-line error says to run {@code dalle2 embed}
 * again.
 */
public final class EmbeddingCache {
    public static final String FOLDER = "embeddings";
    private static final String MANIFEST = "manifest.json";
    /** The manifest's format: 2 since the dataset fingerprint covers the images (format 1 covered captions.jsonl only). */
    private static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the cache was made from and what it holds. */
    public record Manifest(int version, String clip, String dataset, int images, int captions, int embedDim,
                           int contextLength, int textWidth, int endToken, List<Shard> shards) {}

    /** One safetensors file: images [firstImage, firstImage + images) and their captions. */
    public record Shard(String file, String sha256, int firstImage, int images, int captions) {}

    private final Manifest manifest;
    private final Tensor imageEmbeds;
    private final Tensor textEmbeds;
    private final Tensor textTokens;
    private final Tensor textIds;
    private final Tensor captionImage;
    private final long[] imageOfRow;
    private final int[] firstRowOfImage;

    private EmbeddingCache(Manifest manifest, Map<String, Tensor> all) {
        this.manifest = manifest;
        this.imageEmbeds = all.get("image_embeds");
        this.textEmbeds = all.get("text_embeds");
        this.textTokens = all.get("text_tokens");
        this.textIds = all.get("text_ids");
        this.captionImage = all.get("caption_image");
        this.imageOfRow = Ops.toLongs(captionImage);
        this.firstRowOfImage = new int[manifest.images()];
        Arrays.fill(firstRowOfImage, -1);
        for (int row = imageOfRow.length - 1; row >= 0; row--) {
            firstRowOfImage[(int) imageOfRow[row]] = row;
        }
    }

    /**
     * What {@link #update} found or did.
     *
     * @param cache    the cache, up to date
     * @param location its folder ({@link #location})
     * @param built    whether it was built now; false when the existing one passed {@link #open}'s checks
     * @param seconds  how long building took, loading the model and the dataset aside (0 when not built)
     */
    public record Update(EmbeddingCache cache, Path location, boolean built, double seconds) {}

    /**
     * The cache of {@code dataset} for the CLIP folder {@code clip} ({@code dalle2 embed}): the existing one when it
     * passes {@link #open}'s checks; otherwise (saying why on {@code log} when one was there) the model and the
     * dataset are loaded and the cache is {@link #build built}, {@code batchSize} images at a time, in shards of
     * {@code shardImages}.
     */
    public static Update update(Path dataset, Path clip, int batchSize, int shardImages, PrintStream log) throws IOException {
        String fingerprint = ClipFolder.fingerprint(clip);
        Path where = location(dataset, fingerprint);
        if (exists(dataset, fingerprint)) {
            try {
                return new Update(open(dataset, fingerprint), where, false, 0);
            } catch (IOException e) {
                log.println("rebuilding the embedding cache: " + e.getMessage());
            }
        }
        ClipFolder model = ClipFolder.load(clip);
        CaptionDataset data = CaptionDataset.load(dataset, model.model().config().imageSize(), log);
        long start = System.nanoTime();
        EmbeddingCache cache = build(dataset, data, model, batchSize, shardImages);
        return new Update(cache, where, true, (System.nanoTime() - start) / 1e9);
    }

    /** Where the cache of {@code dataset} for the CLIP model with {@code fingerprint} lives. */
    public static Path location(Path dataset, String fingerprint) {
        Path base = Files.isDirectory(dataset) ? dataset.resolve(FOLDER)
                : dataset.resolveSibling(dataset.getFileName() + "." + FOLDER);
        return base.resolve(fingerprint.substring(0, 16));
    }

    /** Whether a complete cache for this dataset and CLIP model exists (it may still fail {@link #open}'s checks). */
    public static boolean exists(Path dataset, String fingerprint) {
        return Files.isRegularFile(location(dataset, fingerprint).resolve(MANIFEST));
    }

    /**
     * Computes the embeddings of every image and caption variant of {@code data} (loaded from
     * {@code dataset}) with {@code clip}, in batches of {@code batchSize}, with a progress bar, and
     * writes the cache (shards of {@code shardImages} images, then the manifest, each atomically).
     */
    public static EmbeddingCache build(Path dataset, CaptionDataset data, ClipFolder clip, int batchSize, int shardImages)
            throws IOException {
        if (data.imageSize() != clip.model().config().imageSize()) {
            throw new IllegalArgumentException("the dataset was loaded at " + data.imageSize() + " px but CLIP reads "
                    + clip.model().config().imageSize() + " px images");
        }
        Path dir = location(dataset, clip.fingerprint());
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST));
        List<Shard> shards = new ArrayList<>();
        int captions = 0;
        try (Progress progress = new Progress("embed", data.size())) {
            for (int first = 0; first < data.size(); first += shardImages) {
                int count = Math.min(shardImages, data.size() - first);
                String name = String.format("shard-%05d.safetensors", shards.size());
                int written = writeShard(dir.resolve(name), data, first, count, clip, batchSize, progress);
                shards.add(new Shard(name, Checksums.sha256(dir.resolve(name)), first, count, written));
                captions += written;
            }
        }
        var config = clip.model().config();
        Manifest manifest = new Manifest(VERSION, clip.fingerprint(), datasetFingerprint(dataset), data.size(), captions,
                config.embedDim(), config.contextLength(), config.textWidth(), config.endToken(), shards);
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        AtomicFiles.write(dir.resolve(MANIFEST), out -> out.write(json));
        return open(dataset, clip.fingerprint());
    }

    private static int writeShard(Path file, CaptionDataset data, int first, int count, ClipFolder clip, int batchSize,
                                  Progress progress) throws IOException {
        ClipModel model = clip.model();
        int size = data.imageSize();
        int contextLength = model.config().contextLength();
        List<Tensor> images = new ArrayList<>();
        List<Tensor> texts = new ArrayList<>();
        List<Tensor> tokens = new ArrayList<>();
        List<Tensor> ids = new ArrayList<>();
        List<Long> owners = new ArrayList<>();
        return Scopes.freeingNoGrad(() -> {
            for (int start = first; start < first + count; start += batchSize) {
                int n = Math.min(batchSize, first + count - start);
                float[] pixels = new float[n * 3 * size * size];
                List<String> captions = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    data.toFloats(start + i, pixels, i * 3 * size * size);
                    for (String caption : data.entry(start + i).captions()) {
                        captions.add(caption);
                        owners.add((long) (start + i));
                    }
                }
                // The batch's activations are freed when it ends; its results live on in the shard's scope.
                Tensor[] kept = Scopes.keepResults(() -> {
                    Tensor image = model.encodeImage(Ops.tensor(pixels, n, 3, size, size));
                    Tensor batchIds = clip.tokenizer().tokenizeTensor(captions, contextLength);
                    TextFeatures text = model.encodeText(batchIds);
                    return new Tensor[] {image, text.embedding(), text.tokens().to(torch.ScalarType.Half), batchIds};
                });
                images.add(kept[0]);
                texts.add(kept[1]);
                tokens.add(kept[2]);
                ids.add(kept[3]);
                progress.update(start + n, "");
            }
            long[] owner = owners.stream().mapToLong(Long::longValue).toArray();
            Map<String, Tensor> shard = new LinkedHashMap<>();
            shard.put("image_embeds", Ops.cat(0, images.toArray(new Tensor[0])));
            shard.put("text_embeds", Ops.cat(0, texts.toArray(new Tensor[0])));
            shard.put("text_tokens", Ops.cat(0, tokens.toArray(new Tensor[0])));
            shard.put("text_ids", Ops.cat(0, ids.toArray(new Tensor[0])));
            shard.put("caption_image", Ops.longTensor(owner, owner.length));
            Safetensors.write(file, shard, Map.of("first_image", Integer.toString(first)));
            return owner.length;
        });
    }

    /**
     * Opens the cache of {@code dataset} for the CLIP model with {@code fingerprint}, after checking
     * it is complete, made by that model from this dataset as it is now, and unchanged since.
     */
    public static EmbeddingCache open(Path dataset, String fingerprint) throws IOException {
        Path dir = location(dataset, fingerprint);
        String rerun = "; run dalle2 embed --dataset " + dataset + " --clip <that model> to (re)build it";
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            Path base = dir.getParent();
            boolean other = Files.isDirectory(base) && hasOtherCache(base, dir);
            throw new NoSuchFileException(dataset.toString(), null, (other
                    ? "its embedding cache was made by a different CLIP model"
                    : "no embedding cache for this CLIP model") + rerun);
        }
        Manifest manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
        if (manifest.version() != VERSION) {
            throw new IOException(manifestFile + ": cache format " + manifest.version() + ", but this version of dalle2 reads format "
                    + VERSION + " (whose dataset fingerprint covers the images too)" + rerun);
        }
        if (!manifest.clip().equals(fingerprint)) {
            throw new IOException(manifestFile + ": made by a different CLIP model" + rerun);
        }
        if (!manifest.dataset().equals(datasetFingerprint(dataset))) {
            throw new IOException(manifestFile + ": stale, the dataset changed since it was made (its captions, an image or a shard)"
                    + rerun);
        }
        Map<String, List<Tensor>> parts = new LinkedHashMap<>();
        for (Shard shard : manifest.shards()) {
            Path file = dir.resolve(shard.file());
            if (!Files.isRegularFile(file) || !Checksums.sha256(file).equals(shard.sha256())) {
                throw new IOException(file + ": missing or corrupt (checksum differs from the manifest)" + rerun);
            }
            Safetensors.read(file).forEach((name, t) -> parts.computeIfAbsent(name, k -> new ArrayList<>()).add(t));
        }
        Map<String, Tensor> all = new LinkedHashMap<>();
        parts.forEach((name, list) -> {
            Tensor joined = Ops.cat(0, list.toArray(new Tensor[0]));
            joined.retainReference();
            all.put(name, joined);
        });
        return new EmbeddingCache(manifest, all);
    }

    private static boolean hasOtherCache(Path base, Path wanted) throws IOException {
        try (var dirs = Files.list(base)) {
            return dirs.anyMatch(d -> !d.equals(wanted) && Files.isRegularFile(d.resolve(MANIFEST)));
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    /** [N, D] float32, one unit vector per image of the dataset. */
    public Tensor imageEmbeds() {
        return imageEmbeds;
    }

    /** [M, D] float32, one unit vector per caption variant. */
    public Tensor textEmbeds() {
        return textEmbeds;
    }

    /** [M, T, W] float16, the text encoder's token encodings of each caption variant. */
    public Tensor textTokens() {
        return textTokens;
    }

    /** [M, T] int64, each caption variant's token ids. */
    public Tensor textIds() {
        return textIds;
    }

    /** [M] int64, the image of each caption variant. */
    public Tensor captionImage() {
        return captionImage;
    }

    /** The rows (caption variants) whose image is in ({@code validation}) or out of the held-out part of {@code split}. */
    public long[] rows(CaptionDataset data, Split split, boolean validation) {
        if (data.size() != manifest.images()) {
            throw new IllegalArgumentException("the dataset has " + data.size() + " images but its embedding cache "
                    + manifest.images() + "; run dalle2 embed again");
        }
        boolean[] held = new boolean[data.size()];
        for (int i : data.indices(split, true)) {
            held[i] = true;
        }
        return IntStream.range(0, imageOfRow.length).filter(r -> held[(int) imageOfRow[r]] == validation)
                .asLongStream().toArray();
    }

    /** The dataset index of row {@code row}'s image. */
    public int imageOf(long row) {
        return (int) imageOfRow[(int) row];
    }

    /** The caption text of row {@code row}. */
    public String caption(CaptionDataset data, long row) {
        int image = imageOf(row);
        return data.entry(image).captions().get((int) row - firstRowOfImage[image]);
    }

    /**
     * A dataset's identity, cheap to compute: for a folder, the SHA-256 of its {@code captions.jsonl}
     * with the path, size and modification time of every image file its lines name (or that it is
     * missing); for shards, the name, size and modification time of each {@code .tar} file. Image and
     * shard contents are not read, so a file rewritten with the same size and modification time goes
     * unnoticed; changing, adding or removing an image or a shard changes the fingerprint.
     */
    static String datasetFingerprint(Path dataset) throws IOException {
        Path captions = dataset.resolve(CaptionDataset.CAPTIONS);
        StringBuilder listing = new StringBuilder();
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(captions)) {
            listing.append(Checksums.sha256(captions)).append('\n');
            files.addAll(CaptionDataset.imageFiles(dataset));
        } else if (Files.isDirectory(dataset)) {
            try (var all = Files.list(dataset)) {
                all.filter(f -> f.toString().endsWith(CaptionDataset.SHARD_SUFFIX)).sorted().forEach(files::add);
            }
        } else {
            files.add(dataset);
        }
        for (Path file : files) {
            listing.append(Files.isDirectory(dataset) ? dataset.relativize(file) : file.getFileName()).append(':');
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                listing.append(attributes.size()).append(':').append(attributes.lastModifiedTime().toMillis());
            } catch (NoSuchFileException e) {
                listing.append("missing");
            }
            listing.append('\n');
        }
        return Checksums.sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
    }
}
