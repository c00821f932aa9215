package dev.dalle2.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.ViewBox;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Skips;
import dev.dalle2.data.SquareImages;
import dev.dalle2.data.TextTemplate;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Folders;
import dev.dalle2.io.Progress;

import javax.imageio.ImageIO;
import java.awt.Component;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds the emoji dataset from unpacked npm packages: Noto (emoji-datasource-google's 64-pixel
 * PNGs), Twemoji (emoji-datasource-twitter's), OpenMoji (SVGs rendered with jsvg), Fluent Emoji
 * (fluentui-emoji's SVGs in two styles, flat and colour, matched to code points by their file names)
 * and four older sets from Iconify's packages (EmojiOne 2, EmojiOne 1, the first Noto design and
 * Firefox OS's FxEmoji, matched by their icon names), every skin-tone variation included. It writes a dataset folder:
 * {@code images/<group>/<code points>.png} at S×S (composited over white), {@code captions.jsonl}
 * (captions, concept and group from {@link EmojiCatalog}), {@code LICENSES.md} with the sets'
 * attributions and a {@code README.md} with the counts.
 */
public final class EmojiDatasetBuilder {
    public static final String GOOGLE_PACKAGE = "emoji-datasource-google";
    public static final String TWITTER_PACKAGE = "emoji-datasource-twitter";
    public static final String OPENMOJI_PACKAGE = "openmoji";
    public static final String FLUENT_PACKAGE = "fluentui-emoji";
    public static final String DATASOURCE_VERSION = "16.0.0";
    public static final String OPENMOJI_VERSION = "17.0.0";
    public static final String FLUENT_VERSION = "1.3.0";
    private static final String FLUENT_LICENSE = "LICENSE-fluentui-emoji.txt";
    /** Fluent Emoji's styles, each the group it becomes and the package's folder of its SVGs. */
    private static final List<FluentStyle> FLUENT_STYLES = List.of(new FluentStyle("fluent-flat", "icons/flat"),
            new FluentStyle("fluent-color", "icons/modern"));
    /** The emoji sets read from Iconify's npm packages. */
    public static final List<IconifyStyle> ICONIFY_STYLES = List.of(
            new IconifyStyle("emojione", "@iconify-json/emojione", "1.2.3", "EmojiOne 2 (colour) by Emoji One, as "
                    + "continued by EmojiTwo (https://github.com/EmojiTwo/emojitwo)",
                    "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)"),
            new IconifyStyle("emojione-v1", "@iconify-json/emojione-v1", "1.2.3", "EmojiOne 1 by Emoji One "
                    + "(https://github.com/joypixels/emojione-legacy)",
                    "[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/)"),
            new IconifyStyle("noto-v1", "@iconify-json/noto-v1", "1.2.5", "Noto Emoji's first design by Google Inc. "
                    + "(https://github.com/googlefonts/noto-emoji)",
                    "[Apache License 2.0](https://github.com/googlefonts/noto-emoji/blob/main/LICENSE)"),
            new IconifyStyle("fxemoji", "@iconify-json/fxemoji", "1.2.2", "FxEmoji, Firefox OS's emoji, by Mozilla "
                    + "(https://github.com/mozilla/fxemoji)", "[Apache License 2.0](https://mozilla.github.io/fxemoji/LICENSE.md)"));
    public static final int DEFAULT_SIZE = 64;
    /** Threads that render and write images: writing is bound by each file's sync to disk more than by the CPU. */
    private static final int WRITERS = 8;
    private static final String REPEATED = "the same code points as an earlier image of its group";
    private static final String UNKNOWN_NAME = "Fluent Emoji and Iconify icons whose name matches no emoji";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmojiDatasetBuilder() {}

    /**
     * The unpacked {@code package/} folders of the npm packages.
     *
     * @param iconify the package of each of {@link #ICONIFY_STYLES}, by group
     */
    public record Packages(Path google, Path twitter, Path openmoji, Path fluent, Map<String, Path> iconify) {
        /** The pinned packages, fetched into {@code cache} by {@link NpmPackages} when they are not there yet. */
        public static Packages fetch(Path cache, PrintStream log) throws IOException {
            Map<String, Path> iconify = new LinkedHashMap<>();
            for (IconifyStyle style : ICONIFY_STYLES) {
                iconify.put(style.group(), NpmPackages.fetch(cache, style.npmPackage(), style.version(), log));
            }
            return new Packages(NpmPackages.fetch(cache, GOOGLE_PACKAGE, DATASOURCE_VERSION, log),
                    NpmPackages.fetch(cache, TWITTER_PACKAGE, DATASOURCE_VERSION, log),
                    NpmPackages.fetch(cache, OPENMOJI_PACKAGE, OPENMOJI_VERSION, log),
                    NpmPackages.fetch(cache, FLUENT_PACKAGE, FLUENT_VERSION, log), iconify);
        }
    }

    /**
     * An emoji set from an {@code @iconify-json/*} package.
     *
     * @param group   the dataset group its images form
     * @param credit  what the set is and who made it, for LICENSES.md
     * @param licence its licence, as a Markdown link
     */
    public record IconifyStyle(String group, String npmPackage, String version, String credit, String licence) {}

    /** How many images a group (or, for the total, the whole dataset) holds and how many distinct concepts they show. */
    public record Count(String group, int images, int concepts) {}

    /** The counts per group, the total and the number of emoji skipped. */
    public record Result(List<Count> groups, Count total, int skipped) {}

    private record FluentStyle(String group, String folder) {}

    /**
     * One image to make: its group, its code points as the package writes them, and its PNG or SVG
     * file, or for an Iconify icon the SVG document itself ({@code svg}, else null) and the file it is in.
     */
    private record Item(String group, String hexcode, Path file, String svg) {
        Item(String group, String hexcode, Path file) {
            this(group, hexcode, file, null);
        }
    }

    /**
     * Writes the dataset into {@code out} (new or empty) at {@code size}×{@code size}, with a progress
     * bar and, when images were skipped, one warning line on {@code log}.
     */
    public static Result build(Packages packages, Path out, int size, PrintStream log) throws IOException {
        if (size < 8 || size > 1024) {
            throw new IllegalArgumentException("emoji image size must be in [8, 1024], got " + size);
        }
        Folders.requireNewOrEmpty(out);
        Path openmojiJson = packages.openmoji().resolve("data/openmoji.json");
        EmojiCatalog catalog = EmojiCatalog.read(List.of(packages.google().resolve("emoji.json"),
                packages.twitter().resolve("emoji.json")), openmojiJson);
        String fluentLicense = Files.readString(packages.fluent().resolve("LICENSE"));
        Skips skips = new Skips();
        List<Item> items = items(packages, openmojiJson, catalog, skips);
        Written written = writeImages(items, catalog, out, size, skips, log);
        List<Count> groups = written.groups();
        Count total = new Count("total", groups.stream().mapToInt(Count::images).sum(), written.distinctConcepts());
        skips.report(total.images(), log);
        if (total.images() == 0) {
            throw new IOException("the emoji packages gave no usable images");
        }
        AtomicFiles.writeString(out.resolve(CaptionDataset.CAPTIONS), written.captions());
        AtomicFiles.writeString(out.resolve("LICENSES.md"), licenses(size));
        AtomicFiles.writeString(out.resolve(FLUENT_LICENSE), fluentLicense);
        Result result = new Result(groups, total, skips.total());
        AtomicFiles.writeString(out.resolve("README.md"), readme(result, size, out));
        return result;
    }

    /** Every image to make, set by set in the dataset's order; an entry that cannot be one is counted in {@code skips}. */
    private static List<Item> items(Packages packages, Path openmojiJson, EmojiCatalog catalog, Skips skips) throws IOException {
        List<Item> items = new ArrayList<>(datasourceItems("noto", packages.google(), "google", skips));
        items.addAll(datasourceItems("twemoji", packages.twitter(), "twitter", skips));
        for (JsonNode entry : EmojiCatalog.array(openmojiJson)) {
            String hexcode = entry.path("hexcode").asText();
            if (hasCodepoints(openmojiJson, hexcode, skips)) {
                items.add(new Item("openmoji", hexcode, packages.openmoji().resolve("color/svg/" + hexcode + ".svg")));
            }
        }
        for (FluentStyle style : FLUENT_STYLES) {
            items.addAll(fluentItems(style.group(), packages.fluent().resolve(style.folder()), catalog, skips));
        }
        for (IconifyStyle style : ICONIFY_STYLES) {
            items.addAll(iconifyItems(style.group(), packages.iconify().get(style.group()), catalog, skips));
        }
        return items;
    }

    /**
     * What writing the images gave: the captions.jsonl lines of those written, and each group's concepts and
     * images, groups in the order first met.
     */
    private record Written(String captions, Map<String, Set<String>> concepts, Map<String, Integer> images) {
        List<Count> groups() {
            return images.keySet().stream().map(g -> new Count(g, images.get(g), concepts.get(g).size())).toList();
        }

        int distinctConcepts() {
            return (int) concepts.values().stream().flatMap(Set::stream).distinct().count();
        }
    }

    /**
     * Writes the items' images on {@value #WRITERS} threads, with a progress bar on {@code log}, and collects the
     * captions of those written in the items' order; an unreadable picture or a repeat is counted in {@code skips}.
     */
    private static Written writeImages(List<Item> items, EmojiCatalog catalog, Path out, int size, Skips skips,
                                       PrintStream log) throws IOException {
        StringBuilder lines = new StringBuilder();
        Map<String, Set<String>> concepts = new LinkedHashMap<>();
        Map<String, Integer> images = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (Progress progress = new Progress("emoji", items.size(), log)) {
            List<Future<String>> problems = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (Item item : items) {
                String image = "images/" + item.group() + "/"
                        + EmojiCatalog.normalise(item.hexcode()).toLowerCase(Locale.ROOT) + ".png";
                paths.add(image);
                problems.add(seen.add(image) ? writers.submit(() -> write(item, out.resolve(image), size))
                        : CompletableFuture.completedFuture(REPEATED));
            }
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                String problem = result(problems.get(i));
                if (problem != null) {
                    skips.add(problem.equals(REPEATED) ? "repeated emoji" : Skips.UNREADABLE, item.file() + ": " + problem);
                } else {
                    EmojiCatalog.Emoji emoji = catalog.describe(item.hexcode());
                    lines.append(line(paths.get(i), item, emoji)).append('\n');
                    concepts.computeIfAbsent(item.group(), g -> new HashSet<>()).add(emoji.concept());
                    images.merge(item.group(), 1, Integer::sum);
                }
                progress.step("");
            }
        } finally {
            writers.shutdownNow();
        }
        return new Written(lines.toString(), concepts, images);
    }

    /** The base images and skin-tone variations emoji-datasource has for {@code style}, in its order. */
    private static List<Item> datasourceItems(String group, Path pkg, String style, Skips skips) throws IOException {
        List<Item> items = new ArrayList<>();
        Path dir = pkg.resolve("img/" + style + "/64");
        Path json = pkg.resolve("emoji.json");
        for (JsonNode entry : EmojiCatalog.array(json)) {
            List<JsonNode> forms = new ArrayList<>(List.of(entry));
            entry.path("skin_variations").forEach(forms::add);
            for (JsonNode form : forms) {
                String hexcode = form.path("unified").asText();
                if (form.path("has_img_" + style).asBoolean(true) && form.path("image").isTextual()
                        && hasCodepoints(json, hexcode, skips)) {
                    items.add(new Item(group, hexcode, dir.resolve(form.path("image").asText())));
                }
            }
        }
        return items;
    }

    /** Fluent Emoji's SVGs in {@code dir}, by file name, each matched to its emoji's code points; a name no emoji has is skipped. */
    private static List<Item> fluentItems(String group, Path dir, EmojiCatalog catalog, Skips skips) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such folder in the Fluent Emoji package");
        }
        List<Item> items = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".svg")).sorted().toList()) {
                String name = file.getFileName().toString();
                String codepoints = catalog.codepointsNamed(name.substring(0, name.length() - ".svg".length()));
                if (codepoints == null) {
                    skips.add(UNKNOWN_NAME, file.toString());
                } else {
                    items.add(new Item(group, codepoints, file));
                }
            }
        }
        return items;
    }

    /** The icons of an Iconify package, each matched to its emoji's code points by its name; a name no emoji has is skipped. */
    private static List<Item> iconifyItems(String group, Path pkg, EmojiCatalog catalog, Skips skips) throws IOException {
        if (pkg == null) {
            throw new IllegalArgumentException("no package given for the emoji set " + group);
        }
        Path file = pkg.resolve("icons.json");
        List<Item> items = new ArrayList<>();
        for (Map.Entry<String, String> icon : IconifyIcons.read(pkg).entrySet()) {
            String codepoints = catalog.codepointsNamed(icon.getKey());
            if (codepoints == null) {
                skips.add(UNKNOWN_NAME, file + ": " + icon.getKey());
            } else {
                items.add(new Item(group, codepoints, file, icon.getValue()));
            }
        }
        return items;
    }

    /** Whether {@code hexcode} is code points in hex joined by '-'; when not, the entry is counted as skipped. */
    private static boolean hasCodepoints(Path file, String hexcode, Skips skips) {
        if (hexcode.matches("[0-9A-Fa-f]{1,6}(-[0-9A-Fa-f]{1,6})*")) {
            return true;
        }
        skips.add(Skips.BAD_METADATA, file + ": an entry without valid code points ('" + hexcode + "')");
        return false;
    }

    /** The captions.jsonl line of one image. */
    private static String line(String image, Item item, EmojiCatalog.Emoji emoji) throws IOException {
        ObjectNode line = JSON.createObjectNode().put("image", image).put("caption", emoji.captions().get(0));
        emoji.captions().forEach(line.putArray("captions")::add);
        return JSON.writeValueAsString(line.put("concept", emoji.concept()).put("group", item.group())
                .put("emoji", text(item.hexcode())).put("codepoints", emoji.codepoints()));
    }

    /**
     * Writes the item's picture (a PNG or SVG file, or its SVG document) to {@code target} as an S×S PNG;
     * null when done, the reason when the picture cannot be read (an IOException when the target cannot
     * be written).
     */
    private static String write(Item item, Path target, int size) throws IOException {
        Path file = item.file();
        BufferedImage picture;
        try {
            if (item.svg() != null) {
                picture = renderSvg(new ByteArrayInputStream(item.svg().getBytes(StandardCharsets.UTF_8)), file.toUri(), size);
            } else if (file.toString().endsWith(".svg")) {
                try (InputStream in = Files.newInputStream(file)) {
                    picture = renderSvg(in, file.toUri(), size);
                }
            } else {
                picture = SquareImages.decode(Files.readAllBytes(file));
            }
        } catch (NoSuchFileException e) {
            return "no such file";
        } catch (IOException e) {
            return e.getMessage();
        }
        BufferedImage square = SquareImages.square(picture, size);
        AtomicFiles.write(target, stream -> ImageIO.write(square, "png", stream));
        return null;
    }

    private static String result(Future<String> problem) throws IOException {
        try {
            return problem.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the emoji images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        }
    }

    /** An SVG (from {@code in}, at {@code base}) drawn by jsvg onto a transparent size×size picture, its view box scaled to fill it. */
    static BufferedImage renderSvg(InputStream in, URI base, int size) throws IOException {
        SVGDocument document;
        try {
            document = new SVGLoader().load(in, base, LoaderContext.createDefault());
        } catch (RuntimeException e) {
            throw new IOException("cannot parse SVG: " + e, e);
        }
        if (document == null) {
            throw new IOException("not an SVG document");
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            document.render((Component) null, g, new ViewBox(0, 0, size, size));
        } catch (RuntimeException e) {
            throw new IOException("cannot render SVG: " + e, e);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The emoji itself from its code points ("1F44B-1F3FE"). */
    private static String text(String hexcode) {
        StringBuilder s = new StringBuilder();
        for (String c : hexcode.strip().split("-")) {
            s.appendCodePoint(Integer.parseInt(c, 16));
        }
        return s.toString();
    }

    /** The dataset's LICENSES.md (resource {@code dataset-LICENSES.md}) for images of {@code size}×{@code size}. */
    static String licenses(int size) {
        String iconifyRows = ICONIFY_STYLES.stream()
                .map(style -> "| `images/" + style.group() + "/` | " + style.credit() + ", rendered from the SVGs of the npm "
                        + "package " + style.npmPackage() + " " + style.version() + " | " + style.licence() + " |")
                .collect(Collectors.joining("\n"));
        return TextTemplate.fill(EmojiDatasetBuilder.class, "dataset-LICENSES.md", Map.of(
                "size", String.format(Locale.ROOT, "%d", size), "datasourceVersion", DATASOURCE_VERSION, "openmojiVersion", OPENMOJI_VERSION,
                "fluentVersion", FLUENT_VERSION, "fluentLicense", FLUENT_LICENSE, "iconifyRows", iconifyRows));
    }

    /** The dataset's README.md (resource {@code dataset-README.md}): its counts and how it was made into {@code out}. */
    static String readme(Result result, int size, Path out) {
        String rows = result.groups().stream()
                .map(c -> String.format(Locale.ROOT, "| %s | %,d | %,d |", c.group(), c.images(), c.concepts()))
                .collect(Collectors.joining("\n"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("images", String.format(Locale.ROOT, "%,d", result.total().images()));
        values.put("size", String.format(Locale.ROOT, "%d", size));
        values.put("concepts", String.format(Locale.ROOT, "%,d", result.total().concepts()));
        values.put("out", String.valueOf(out.getFileName()));
        values.put("datasourceVersion", DATASOURCE_VERSION);
        values.put("openmojiVersion", OPENMOJI_VERSION);
        values.put("rows", rows);
        values.put("styles", String.format(Locale.ROOT, "%d", result.groups().size()));
        values.put("fluentVersion", FLUENT_VERSION);
        values.put("fluentLicense", FLUENT_LICENSE);
        values.put("iconifyPackages", ICONIFY_STYLES.stream().map(style -> style.npmPackage() + " " + style.version())
                .collect(Collectors.joining(", ")));
        return TextTemplate.fill(EmojiDatasetBuilder.class, "dataset-README.md", values);
    }
}
