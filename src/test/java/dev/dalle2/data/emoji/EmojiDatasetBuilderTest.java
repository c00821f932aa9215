package dev.dalle2.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class EmojiDatasetBuilderTest {
    /** The README.md and LICENSES.md the builder wrote before their texts moved into resources. */
    private static final Path EXPECTED = Path.of("src/test/resources/dev/dalle2/data/emoji/expected");
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);

    @Test
    void buildsAllStylesWithSharedConceptsAndSkinTones(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("emoji");
        EmojiDatasetBuilder.Result result = EmojiDatasetBuilder.build(TestData.emojiPackages(tmp.resolve("pkgs")), out, 16, err);
        assertEquals(List.of(new EmojiDatasetBuilder.Count("noto", 3, 2), new EmojiDatasetBuilder.Count("twemoji", 3, 2),
                new EmojiDatasetBuilder.Count("openmoji", 1, 1), new EmojiDatasetBuilder.Count("fluent-flat", 3, 2),
                new EmojiDatasetBuilder.Count("fluent-color", 1, 1), new EmojiDatasetBuilder.Count("emojione", 2, 2),
                new EmojiDatasetBuilder.Count("emojione-v1", 1, 1), new EmojiDatasetBuilder.Count("noto-v1", 1, 1),
                new EmojiDatasetBuilder.Count("fxemoji", 1, 1)), result.groups());
        assertEquals(new EmojiDatasetBuilder.Count("total", 16, 2), result.total());
        assertEquals(5, result.skipped(), "two OpenMoji SVGs are missing; two Fluent names and one icon match no emoji");
        assertTrue(log.toString().contains("skipped 5 of 21 entries: 3 Fluent Emoji and Iconify icons whose name matches "
                + "no emoji, 2 unreadable images (first: "), log.toString());

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("captions.jsonl"))) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertEquals(16, lines.size());
        Map<String, Set<String>> conceptsByImage = lines.stream().collect(Collectors.groupingBy(
                l -> l.get("codepoints").asText(), Collectors.mapping(l -> l.get("concept").asText(), Collectors.toSet())));
        assertEquals(Map.of("1F34E", Set.of("red apple"), "1F44B", Set.of("waving hand"), "1F44B-1F3FD", Set.of("waving hand")),
                conceptsByImage, "one concept per emoji, from OpenMoji's name, across styles and skin tones");

        JsonNode apple = lines.get(0);
        assertEquals("images/noto/1f34e.png", apple.get("image").asText());
        assertEquals("noto", apple.get("group").asText());
        assertEquals("🍎", apple.get("emoji").asText());
        assertEquals("an emoji of a red apple", apple.get("caption").asText());
        assertEquals(List.of("an emoji of a red apple", "red apple: apple, fruit, red, food", "a picture of red apple",
                "red apple emoji, food and drink", "food fruit emoji: red apple", "apple emoji"), texts(apple.get("captions")));

        JsonNode tone = lines.get(2);
        assertEquals("images/noto/1f44b-1f3fd.png", tone.get("image").asText());
        assertEquals(List.of("an emoji of a waving hand with medium skin tone",
                "waving hand with medium skin tone: hand, wave, waving", "a picture of waving hand with medium skin tone",
                "waving hand with medium skin tone emoji, people and body",
                "hand fingers open emoji: waving hand with medium skin tone", "wave emoji with medium skin tone"),
                texts(tone.get("captions")));
        assertEquals("openmoji", lines.get(6).get("group").asText());
        assertEquals(lines.get(0).get("captions"), lines.get(6).get("captions"), "the same emoji has the same captions in every style");
        assertEquals(List.of("images/fluent-flat/1f34e.png", "images/fluent-flat/1f44b.png",
                "images/fluent-flat/1f44b-1f3fd.png", "images/fluent-color/1f34e.png"),
                lines.subList(7, 11).stream().map(l -> l.get("image").asText()).toList(),
                "Fluent's files matched by name: red-apple, waving-hand-default (no tone), waving-hand-medium");
        assertEquals(tone.get("captions"), lines.get(9).get("captions"));
        assertEquals(List.of("images/emojione/1f34e.png", "images/emojione/1f44b-1f3fd.png", "images/emojione-v1/1f34e.png",
                "images/noto-v1/1f34e.png", "images/fxemoji/1f34e.png"),
                lines.subList(11, 16).stream().map(l -> l.get("image").asText()).toList(),
                "Iconify's icons matched by name: red-apple, waving-hand-medium-skin-tone; the alias is not repeated");
        assertEquals(tone.get("captions"), lines.get(12).get("captions"));

        BufferedImage noto = ImageIO.read(out.resolve("images/noto/1f34e.png").toFile());
        assertEquals(16, noto.getWidth());
        assertEquals(0xffffff, noto.getRGB(0, 0) & 0xffffff, "transparent corners are white");
        assertEquals(0xff0000, noto.getRGB(8, 8) & 0xffffff);
        BufferedImage openmoji = ImageIO.read(out.resolve("images/openmoji/1f34e.png").toFile());
        assertEquals(16, openmoji.getHeight());
        assertEquals(0xffffff, openmoji.getRGB(0, 0) & 0xffffff);
        assertEquals(0x00ff00, openmoji.getRGB(8, 8) & 0xffffff, "the SVG's green circle, rendered");
        assertEquals(0x0000ff, ImageIO.read(out.resolve("images/fluent-color/1f34e.png").toFile()).getRGB(8, 8) & 0xffffff);
        BufferedImage iconify = ImageIO.read(out.resolve("images/emojione/1f34e.png").toFile());
        assertEquals(0xffff00, iconify.getRGB(8, 8) & 0xffffff, "the icon's square, drawn in the set's 64×64 view box");
        assertEquals(0xffffff, iconify.getRGB(2, 2) & 0xffffff, "outside the square: white");
        BufferedImage defaultBox = ImageIO.read(out.resolve("images/noto-v1/1f34e.png").toFile());
        assertEquals(0xffff00, defaultBox.getRGB(8, 8) & 0xffffff, "the circle, in the default 16×16 view box");
        assertEquals(0xffffff, defaultBox.getRGB(0, 0) & 0xffffff);

        String licences = Files.readString(out.resolve("LICENSES.md"));
        for (String part : new String[] {"Apache License 2.0", "CC BY 4.0", "Twitter, Inc and other contributors", "CC BY-SA 4.0",
                "All emojis designed by OpenMoji – the open-source emoji and icon project", "MIT", "Cal Henderson",
                "Microsoft Corporation", "LICENSE-fluentui-emoji.txt", "images/emojione-v1/", "EmojiTwo",
                "Noto Emoji's first design"}) {
            assertTrue(licences.contains(part), part);
        }
        assertTrue(Files.readString(out.resolve("LICENSE-fluentui-emoji.txt")).contains("Mohammad Abu Mattar"));
        assertTrue(Files.readString(out.resolve("README.md")).contains("| total | 16 | 2 |"));
        assertEquals(Files.readString(EXPECTED.resolve("README-16.md")), Files.readString(out.resolve("README.md")),
                "README.md as the builder wrote it before its texts became resources");
        assertEquals(Files.readString(EXPECTED.resolve("LICENSES-16.md")), licences);

        CaptionDataset data = CaptionDataset.load(out, 16, err);
        assertEquals(16, data.size());
        assertEquals(1, data.indices(Split.parse("group:openmoji"), true).length);
    }

    @Test
    void theReadmeAndLicencesOfAFullSizedDatasetAreTheTextsOfBefore() throws IOException {
        List<EmojiDatasetBuilder.Count> groups = List.of(new EmojiDatasetBuilder.Count("noto", 3786, 3786),
                new EmojiDatasetBuilder.Count("twemoji", 3786, 3786), new EmojiDatasetBuilder.Count("openmoji", 4495, 2457),
                new EmojiDatasetBuilder.Count("fluent-flat", 3044, 1500), new EmojiDatasetBuilder.Count("fluent-color", 3044, 1500),
                new EmojiDatasetBuilder.Count("emojione", 1734, 1700), new EmojiDatasetBuilder.Count("emojione-v1", 1134, 1100),
                new EmojiDatasetBuilder.Count("noto-v1", 2087, 2000), new EmojiDatasetBuilder.Count("fxemoji", 664, 600));
        EmojiDatasetBuilder.Result result = new EmojiDatasetBuilder.Result(groups,
                new EmojiDatasetBuilder.Count("total", 23774, 2457), 875);
        Locale locale = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // the counts are grouped the same whatever the machine's locale
        try {
            assertEquals(Files.readString(EXPECTED.resolve("README-64.md")),
                    EmojiDatasetBuilder.readme(result, 64, Path.of("data/emoji")));
        } finally {
            Locale.setDefault(locale);
        }
        assertEquals(Files.readString(EXPECTED.resolve("LICENSES-64.md")), EmojiDatasetBuilder.licenses(64));
    }

    @Test
    void iconNamesFindTheirEmoji(@TempDir Path tmp) throws IOException {
        EmojiDatasetBuilder.Packages packages = TestData.emojiPackages(tmp);
        Path flags = Files.writeString(tmp.resolve("flags.json"), """
                [{"emoji": "🇫🇷", "hexcode": "1F1EB-1F1F7", "group": "flags", "subgroups": "country-flag",
                  "annotation": "flag: France", "tags": "", "openmoji_tags": "", "skintone": ""}]
                """);
        EmojiCatalog catalog = EmojiCatalog.read(List.of(packages.google().resolve("emoji.json")), flags);
        assertEquals("1F34E", catalog.codepointsNamed("red-apple"), "emoji-datasource's name, as a slug");
        assertEquals("1F34E", catalog.codepointsNamed("apple"), "a short name");
        assertEquals("1F44B", catalog.codepointsNamed("waving-hand-sign-default"));
        assertEquals("1F44B-1F3FD", catalog.codepointsNamed("wave-medium"), "Fluent's tone ending");
        assertEquals("1F44B-1F3FD", catalog.codepointsNamed("wave-medium-skin-tone"), "Iconify's tone ending");
        assertNull(catalog.codepointsNamed("wave-dark"), "a tone the catalogue lacks");
        assertEquals("1F34E", catalog.codepointsNamed("redapple"), "FxEmoji's names, without hyphens");
        assertEquals("1F1EB-1F1F7", catalog.codepointsNamed("flag-france"));
        assertEquals("1F1EB-1F1F7", catalog.codepointsNamed("flag-for-france"), "EmojiOne's older flag names");
        assertEquals("1F1EB-1F1F7", catalog.codepointsNamed("flag-for-flag-france"), "Noto's first design's");
        assertNull(catalog.codepointsNamed("flag-for-atlantis"));
        assertNull(catalog.codepointsNamed("blackbird"));
    }

    @Test
    void namesReadLikeCaptions() {
        assertEquals("flag of france", EmojiCatalog.name("flag: France", false));
        assertEquals("keycap 1", EmojiCatalog.name("keycap: 1", false));
        assertEquals("family, man, woman, boy", EmojiCatalog.name("family: man, woman, boy", false));
        assertEquals("spouting orca", EmojiCatalog.name("spouting-orca", true));
        assertEquals("man-running", EmojiCatalog.name("Man-Running", false));
        assertEquals("an ", EmojiCatalog.article("alarm clock"));
        assertEquals("a ", EmojiCatalog.article("unicorn"));
        assertEquals("", EmojiCatalog.article("thumbs up"));
        assertEquals("", EmojiCatalog.article("people holding hands"));
        assertEquals("a ", EmojiCatalog.article("kiss"));
        assertEquals("1F44B-1F3FD", EmojiCatalog.normalise("1f44b-fe0f-1f3fd"));
        assertEquals("one-oclock", EmojiCatalog.slug("one o’clock"));
        assertEquals("a-button-blood-type", EmojiCatalog.slug("A button (blood type)"));
    }

    @Test
    void unpacksNpmArchivesOnceAndRefusesPathsOutsideTheirFolder(@TempDir Path tmp) throws IOException {
        Path tgz = TestData.tar(tmp.resolve("p-1.0.0.tgz"), Map.of("package/a/b.txt", TestData.utf8("hello")), true);
        assertEquals("iconify-json-noto-v1-1.2.5", NpmPackages.archiveBase("@iconify-json/noto-v1", "1.2.5"));
        Path pkg = NpmPackages.fetch(tmp, "p", "1.0.0", err);
        assertEquals(tmp.resolve("p-1.0.0/package"), pkg);
        assertEquals("hello", Files.readString(pkg.resolve("a/b.txt")));
        assertEquals("", log.toString(), "npm does not run when the archive is there");

        TestData.tar(tmp.resolve("evil.tgz"), Map.of("../outside.txt", TestData.utf8("no")), true);
        IOException e = assertThrows(IOException.class, () -> NpmPackages.unpack(tmp.resolve("evil.tgz"), tmp.resolve("evil")));
        assertTrue(e.getMessage().contains("points outside"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("outside.txt")));
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertTrue(Files.exists(tgz));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
