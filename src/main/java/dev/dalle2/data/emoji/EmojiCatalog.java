package dev.dalle2.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the emoji packages say about each emoji, merged by code points: emoji-datasource's
 * {@code emoji.json} (Unicode name, short names, category, subcategory) and OpenMoji's
 * {@code openmoji.json} (CLDR annotation, tags, group, subgroup). Code points are compared without
 * the variation selector FE0F, so emoji-datasource's {@code unified} and OpenMoji's {@code hexcode}
 * meet. An emoji's <em>concept</em> is the name of the emoji without its skin tones (OpenMoji's
 * annotation, else emoji-datasource's name) in lower case, so every style and every skin tone of one
 * emoji share it; the tones are named in the captions instead ("… with medium skin tone"). Emoji
 * can also be found by the slug of a name ({@link #codepointsNamed}), which is how Fluent Emoji
 * names its files.
 */
final class EmojiCatalog {
    private static final Map<String, String> TONES = Map.of("1F3FB", "light", "1F3FC", "medium-light",
            "1F3FD", "medium", "1F3FE", "medium-dark", "1F3FF", "dark");
    /** The skin-tone modifier of each tone name ("medium" → 1F3FD). */
    private static final Map<String, String> TONE_CODES = TONES.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    /** Skin-tone endings of a name slug, the longer before the shorter they end with; "default" is no tone. */
    private static final List<String> SLUG_TONES = List.of("medium-light", "medium-dark", "default", "light", "medium", "dark");
    private static final Map<String, String> GROUP_WORDS = Map.of("smileys-emotion", "smileys and emotion",
            "people-body", "people and body", "animals-nature", "animals and nature", "food-drink", "food and drink",
            "travel-places", "travel and places");
    private static final Set<String> PLURAL_WORDS = Set.of("people", "men", "women", "two", "three", "children");
    private static final int MAX_TAGS = 6;
    private static final int MAX_SHORT_NAMES = 2;

    private final Map<String, JsonNode> datasource = new HashMap<>();
    private final Map<String, JsonNode> openmoji = new HashMap<>();
    /** Code points (without tone) by the slug of a name: OpenMoji's annotation, emoji-datasource's name and short names. */
    private final Map<String, String> bySlug = new HashMap<>();
    /** The same, by the slug without its hyphens ("admissiontickets"), as FxEmoji names its icons. */
    private final Map<String, String> byCompactSlug = new HashMap<>();

    /**
     * One emoji: its code points without FE0F (e.g. {@code 1F44B-1F3FE}), its concept, its skin tones
     * (e.g. {@code [medium-dark]}) and its captions, the primary one first, all in lower case.
     */
    record Emoji(String codepoints, String concept, List<String> tones, List<String> captions) {}

    /** Reads emoji-datasource {@code emoji.json} files and an OpenMoji {@code openmoji.json}. */
    static EmojiCatalog read(List<Path> datasourceFiles, Path openmojiFile) throws IOException {
        EmojiCatalog catalog = new EmojiCatalog();
        Map<String, String> datasourceSlugs = new LinkedHashMap<>();
        for (Path file : datasourceFiles) {
            for (JsonNode entry : array(file)) {
                String key = normalise(entry.path("unified").asText());
                catalog.datasource.putIfAbsent(key, entry);
                datasourceSlugs.putIfAbsent(slug(entry.path("name").asText()), key);
                entry.path("short_names").forEach(name -> datasourceSlugs.putIfAbsent(slug(name.asText()), key));
                for (JsonNode variation : entry.path("skin_variations")) {
                    catalog.datasource.putIfAbsent(normalise(variation.path("unified").asText()), entry);
                }
            }
        }
        for (JsonNode entry : array(openmojiFile)) {
            String key = normalise(entry.path("hexcode").asText());
            catalog.openmoji.putIfAbsent(key, entry);
            if (entry.path("skintone").asText().isEmpty()) {
                catalog.bySlug.putIfAbsent(slug(entry.path("annotation").asText()), key);
            }
        }
        datasourceSlugs.forEach(catalog.bySlug::putIfAbsent);
        catalog.bySlug.forEach((slug, key) -> catalog.byCompactSlug.putIfAbsent(slug.replace("-", ""), key));
        return catalog;
    }

    /** The JSON array in {@code file}, or a one-line IOException naming it. */
    static JsonNode array(Path file) throws IOException {
        JsonNode node = json(file);
        if (node == null || !node.isArray()) {
            throw new IOException(file + ": expected a JSON array of emoji");
        }
        return node;
    }

    /** The JSON in {@code file} (null when empty), or a one-line IOException naming it. */
    static JsonNode json(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Upper-case code points joined by '-', without the variation selector FE0F. */
    static String normalise(String hexcode) {
        return Arrays.stream(hexcode.strip().toUpperCase(Locale.ROOT).split("[-\\s]+"))
                .filter(c -> !c.isEmpty() && !c.equals("FE0F")).collect(Collectors.joining("-"));
    }

    /**
     * A name as a file-name slug: lower case, apostrophes and dots dropped, every other run of
     * characters that are not letters or digits one '-' ("one o’clock" → {@code one-oclock}).
     */
    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("['’.]", "").replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-|-$", "");
    }

    /**
     * The code points of the emoji that a slug names, as Fluent Emoji's files and Iconify's icons are
     * named: the slug of its name ({@link #slug}), then optionally its skin tone or {@code default}, with or
     * without {@code -skin-tone} ({@code waving-hand-medium-dark} and {@code waving-hand-medium-dark-skin-tone}
     * are 1F44B-1F3FE). Also accepted: the older flag names ({@code flag-for-france}, {@code flag-for-flag-france})
     * and the slug without hyphens ({@code admissiontickets}). Null when no emoji has that name, or not in
     * that tone.
     */
    String codepointsNamed(String slug) {
        if (bySlug.containsKey(slug)) {
            return bySlug.get(slug);
        }
        if (slug.startsWith("flag-for-")) {
            return codepointsNamed("flag-" + slug.substring("flag-for-".length()).replaceFirst("^flag-", ""));
        }
        if (byCompactSlug.containsKey(slug)) {
            return byCompactSlug.get(slug);
        }
        String name = slug.endsWith("-skin-tone") ? slug.substring(0, slug.length() - "-skin-tone".length()) : slug;
        for (String tone : SLUG_TONES) {
            String base = name.endsWith("-" + tone) ? bySlug.get(name.substring(0, name.length() - tone.length() - 1)) : null;
            if (base != null) {
                return tone.equals("default") ? base : toned(base, tone);
            }
        }
        return null;
    }

    /** The code points of {@code base} in one skin tone, from emoji-datasource's skin variations; null when it has none. */
    private String toned(String base, String tone) {
        String code = TONE_CODES.get(tone);
        JsonNode variations = datasource.containsKey(base) ? datasource.get(base).path("skin_variations") : null;
        for (String key : List.of(code, code + "-" + code)) {
            if (variations != null && variations.has(key)) {
                return normalise(variations.get(key).path("unified").asText());
            }
        }
        return null;
    }

    /** The emoji with these code points (as either package writes them). */
    Emoji describe(String hexcode) {
        String key = normalise(hexcode);
        List<String> tones = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String c : key.split("-")) {
            (TONES.containsKey(c) ? tones : rest).add(TONES.getOrDefault(c, c));
        }
        if (rest.isEmpty()) { // a tone swatch alone is an emoji of its own
            rest = List.of(key);
            tones.clear();
        }
        String base = String.join("-", rest);
        List<String> toneNames = tones.stream().distinct().count() == 1 ? tones.subList(0, 1) : tones;

        JsonNode ds = datasource.containsKey(key) ? datasource.get(key) : datasource.get(base);
        JsonNode om = openmoji.containsKey(base) ? openmoji.get(base) : openmoji.get(key);
        String concept;
        if (openmoji.containsKey(base)) {
            concept = name(om.path("annotation").asText(), om.path("group").asText().startsWith("extras"));
        } else if (ds != null) {
            concept = name(ds.path("name").asText(), false);
        } else if (om != null) {
            concept = name(om.path("annotation").asText().split(":")[0], false);
        } else {
            concept = key.toLowerCase(Locale.ROOT);
        }
        return new Emoji(key, concept, toneNames, captions(concept, toneNames, ds, om));
    }

    private static List<String> captions(String concept, List<String> tones, JsonNode ds, JsonNode om) {
        String tone = tones.isEmpty() ? ""
                : " with " + tones.stream().map(t -> t + " skin tone").collect(Collectors.joining(" and "));
        String named = concept + tone;
        Set<String> captions = new LinkedHashSet<>();
        captions.add("an emoji of " + article(concept) + named);
        List<String> tags = tags(concept, om);
        if (!tags.isEmpty()) {
            captions.add(named + ": " + String.join(", ", tags));
        }
        captions.add("a picture of " + named);
        String category = null;
        String subcategory = null;
        if (ds != null) {
            category = words(ds.path("category").asText().replace("&", "and"));
            subcategory = words(ds.path("subcategory").asText());
        } else if (om != null) {
            String group = om.path("group").asText();
            category = group.startsWith("extras") ? words(om.path("subgroups").asText())
                    : words(GROUP_WORDS.getOrDefault(group, group));
            subcategory = group.startsWith("extras") ? null : words(om.path("subgroups").asText());
        }
        if (category != null) {
            captions.add(named + " emoji, " + category);
        }
        if (subcategory != null) {
            captions.add(subcategory + " emoji: " + named);
        }
        if (ds != null) {
            int added = 0;
            for (JsonNode shortName : ds.path("short_names")) {
                String name = words(shortName.asText().replace('_', ' '));
                if (name != null && !name.equals(concept) && added++ < MAX_SHORT_NAMES) {
                    captions.add(name + " emoji" + tone);
                }
            }
        }
        return List.copyOf(captions);
    }

    /** OpenMoji's tags, then its own extra tags, in lower case, without repeats or the concept itself. */
    private static List<String> tags(String concept, JsonNode om) {
        if (om == null) {
            return List.of();
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String field : List.of("tags", "openmoji_tags")) {
            for (String tag : om.path(field).asText().split(",")) {
                String t = tag.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals(concept)) {
                    tags.add(t);
                }
            }
        }
        return tags.stream().limit(MAX_TAGS).toList();
    }

    /**
     * A name in caption form: lower case, single spaces, "flag: France" as "flag of france", "keycap: 1"
     * as "keycap 1", other "a: b" as "a, b"; OpenMoji's own extras ("spouting-orca") get spaces.
     */
    static String name(String raw, boolean hyphenated) {
        String s = raw.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (s.startsWith("flag: ")) {
            s = "flag of " + s.substring("flag: ".length());
        } else if (s.startsWith("keycap: ")) {
            s = "keycap " + s.substring("keycap: ".length());
        }
        s = s.replace(": ", ", ");
        return hyphenated && !s.contains(" ") ? s.replace('-', ' ') : s;
    }

    /** "face-smiling" as "face smiling"; null for a blank text. */
    private static String words(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace('-', ' ').replaceAll("\\s+", " ");
        return s.isEmpty() ? null : s;
    }

    /** "a " or "an " before a singular noun phrase, nothing before a plural-looking one ("eyes", "people …"). */
    static String article(String phrase) {
        String first = phrase.split("[ ,]")[0];
        if (first.isEmpty() || PLURAL_WORDS.contains(first)
                || first.endsWith("s") && !first.endsWith("ss") && !first.endsWith("us") && !first.endsWith("is")) {
            return "";
        }
        char c = first.charAt(0);
        boolean vowel = "aeio".indexOf(c) >= 0
                || c == 'u' && !first.startsWith("uni") && !first.startsWith("us") && !first.startsWith("ut");
        return vowel ? "an " : "a ";
    }
}
