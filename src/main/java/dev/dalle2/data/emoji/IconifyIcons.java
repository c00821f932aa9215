package dev.dalle2.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The icons of an unpacked {@code @iconify-json/*} npm package ({@code icons.json}): each icon is an
 * SVG body with a view box (the icon's own {@code left}, {@code top}, {@code width}, {@code height},
 * else the set's, else 0, 0, 16, 16), made here into a standalone SVG document. Aliases are left out:
 * they repeat an icon under another name.
 */
final class IconifyIcons {
    private IconifyIcons() {}

    /** Icon name → standalone SVG document, in the file's order. */
    static Map<String, String> read(Path pkg) throws IOException {
        Path file = pkg.resolve("icons.json");
        JsonNode root = EmojiCatalog.json(file);
        if (root == null || !root.path("icons").isObject()) {
            throw new IOException(file + ": expected an Iconify icon set with an \"icons\" object");
        }
        Map<String, String> svgs = new LinkedHashMap<>();
        root.path("icons").fields().forEachRemaining(icon -> svgs.put(icon.getKey(), svg(root, icon.getValue())));
        return svgs;
    }

    private static String svg(JsonNode set, JsonNode icon) {
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                        + "xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"%s %s %s %s\">%s</svg>",
                number(set, icon, "left", 0), number(set, icon, "top", 0), number(set, icon, "width", 16),
                number(set, icon, "height", 16), icon.path("body").asText());
    }

    private static String number(JsonNode set, JsonNode icon, String field, double fallback) {
        double value = icon.has(field) ? icon.get(field).asDouble() : set.path(field).asDouble(fallback);
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
