package dev.dalle2.data;

import dev.dalle2.data.emoji.EmojiDatasetBuilder;
import dev.dalle2.data.emoji.NpmPackages;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;

/** Small files for the data tests, written on the spot: PNGs, tar shards and fake emoji npm packages. */
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

    /**
     * Fake unpacked emoji packages under {@code root}: emoji-datasource with two emoji (a red apple,
     * and a waving hand with one skin-tone variation) and 64×64 PNGs on a transparent background for
     * both styles; an openmoji.json with those three emoji and one SVG, the apple's; Fluent Emoji
     * SVGs named red-apple, waving-hand-default and waving-hand-medium (matched), waving-hand-dark (a
     * tone emoji-datasource lacks here) and blackbird (no such emoji here) in its flat style, and
     * red-apple in its colour style, with the package's LICENSE; Iconify packages for the sets of
     * {@link EmojiDatasetBuilder#ICONIFY_STYLES}: the first with a yellow red-apple on a 0 0 64 64 view
     * box, waving-hand-medium-skin-tone, unknown-thing (no such emoji) and an alias, the others with
     * red-apple only.
     */
    public static EmojiDatasetBuilder.Packages emojiPackages(Path root) throws IOException {
        String emojiJson = """
                [{"name": "RED APPLE", "unified": "1F34E", "image": "1f34e.png", "short_name": "apple",
                  "short_names": ["apple"], "category": "Food & Drink", "subcategory": "food-fruit",
                  "has_img_google": true, "has_img_twitter": true},
                 {"name": "WAVING HAND SIGN", "unified": "1F44B", "image": "1f44b.png", "short_name": "wave",
                  "short_names": ["wave"], "category": "People & Body", "subcategory": "hand-fingers-open",
                  "has_img_google": true, "has_img_twitter": true,
                  "skin_variations": {"1F3FD": {"unified": "1F44B-1F3FD", "image": "1f44b-1f3fd.png",
                                                "has_img_google": true, "has_img_twitter": true}}}]
                """;
        Path google = root.resolve("google/package");
        Path twitter = root.resolve("twitter/package");
        for (Path pkg : new Path[] {google, twitter}) {
            Files.createDirectories(pkg);
            Files.writeString(pkg.resolve("emoji.json"), emojiJson);
            String style = pkg == google ? "google" : "twitter";
            for (String name : new String[] {"1f34e", "1f44b", "1f44b-1f3fd"}) {
                Path file = pkg.resolve("img/" + style + "/64/" + name + ".png");
                Files.createDirectories(file.getParent());
                // a transparent picture with an opaque red square in the middle
                Files.write(file, png(image(64, 64, (x, y) -> x >= 16 && x < 48 && y >= 16 && y < 48 ? 0xffff0000 : 0x00336699)));
            }
        }
        Path openmoji = root.resolve("openmoji/package");
        Files.createDirectories(openmoji.resolve("data"));
        Files.writeString(openmoji.resolve("data/openmoji.json"), """
                [{"emoji": "🍎", "hexcode": "1F34E", "group": "food-drink", "subgroups": "food-fruit",
                  "annotation": "red apple", "tags": "apple, fruit, red", "openmoji_tags": "food", "skintone": ""},
                 {"emoji": "👋", "hexcode": "1F44B", "group": "people-body", "subgroups": "hand-fingers-open",
                  "annotation": "waving hand", "tags": "hand, wave, waving", "openmoji_tags": "", "skintone": ""},
                 {"emoji": "👋🏽", "hexcode": "1F44B-1F3FD", "group": "people-body", "subgroups": "hand-fingers-open",
                  "annotation": "waving hand: medium skin tone", "tags": "", "openmoji_tags": "", "skintone": 3,
                  "skintone_base_hexcode": "1F44B"}]
                """);
        Files.createDirectories(openmoji.resolve("color/svg"));
        Files.writeString(openmoji.resolve("color/svg/1F34E.svg"), """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72">
                  <circle cx="36" cy="36" r="24" fill="#00ff00"/>
                </svg>
                """);
        Path fluent = root.resolve("fluent/package");
        Files.createDirectories(fluent.resolve("icons/flat"));
        Files.createDirectories(fluent.resolve("icons/modern"));
        Files.writeString(fluent.resolve("LICENSE"), "MIT License\n\nCopyright (c) 2022 Mohammad Abu Mattar\n");
        String blue = """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="4" y="4" width="24" height="24" fill="#0000ff"/></svg>
                """;
        for (String svg : new String[] {"icons/flat/red-apple.svg", "icons/flat/waving-hand-default.svg",
                "icons/flat/waving-hand-medium.svg", "icons/flat/waving-hand-dark.svg", "icons/flat/blackbird.svg",
                "icons/modern/red-apple.svg"}) {
            Files.writeString(fluent.resolve(svg), blue);
        }
        Map<String, Path> iconify = new LinkedHashMap<>();
        for (EmojiDatasetBuilder.IconifyStyle style : EmojiDatasetBuilder.ICONIFY_STYLES) {
            Path pkg = root.resolve(style.group() + "/package");
            Files.createDirectories(pkg);
            String square = "{\"body\": \"<rect x='16' y='16' width='32' height='32' fill='#ffff00'/>\"}";
            Files.writeString(pkg.resolve("icons.json"), iconify.isEmpty()
                    ? "{\"prefix\": \"a\", \"width\": 64, \"height\": 64, \"icons\": {\"red-apple\": " + square
                    + ", \"waving-hand-medium-skin-tone\": " + square + ", \"unknown-thing\": " + square + "}, "
                    + "\"aliases\": {\"apple\": {\"parent\": \"red-apple\"}}}"
                    : "{\"prefix\": \"b\", \"icons\": {\"red-apple\": {\"body\": \"<circle cx='8' cy='8' r='6' fill='#ffff00'/>\"}}}");
            iconify.put(style.group(), pkg);
        }
        return new EmojiDatasetBuilder.Packages(google, twitter, openmoji, fluent, iconify);
    }

    /** The fake packages as the npm archives {@code NAME-VERSION.tgz} in {@code cache}, as {@code npm pack} leaves them. */
    public static void emojiArchives(Path cache) throws IOException {
        EmojiDatasetBuilder.Packages packages = emojiPackages(cache.resolve("src"));
        tgz(packages.google(), cache.resolve(EmojiDatasetBuilder.GOOGLE_PACKAGE + "-" + EmojiDatasetBuilder.DATASOURCE_VERSION + ".tgz"));
        tgz(packages.twitter(), cache.resolve(EmojiDatasetBuilder.TWITTER_PACKAGE + "-" + EmojiDatasetBuilder.DATASOURCE_VERSION + ".tgz"));
        tgz(packages.openmoji(), cache.resolve(EmojiDatasetBuilder.OPENMOJI_PACKAGE + "-" + EmojiDatasetBuilder.OPENMOJI_VERSION + ".tgz"));
        tgz(packages.fluent(), cache.resolve(EmojiDatasetBuilder.FLUENT_PACKAGE + "-" + EmojiDatasetBuilder.FLUENT_VERSION + ".tgz"));
        for (EmojiDatasetBuilder.IconifyStyle style : EmojiDatasetBuilder.ICONIFY_STYLES) {
            tgz(packages.iconify().get(style.group()), cache.resolve(NpmPackages.archiveBase(style.npmPackage(), style.version()) + ".tgz"));
        }
    }

    private static void tgz(Path pkg, Path file) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(pkg)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                files.put("package/" + pkg.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        tar(file, files, true);
    }
}
