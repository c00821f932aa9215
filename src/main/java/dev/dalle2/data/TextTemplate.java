package dev.dalle2.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text kept as a UTF-8 resource beside the class that writes it (the README.md and LICENSES.md a dataset
 * builder writes), with {@code {name}} placeholders for the values known only at run time. A brace that
 * is not followed by a name and a closing brace ({@code {"image": …}}) is plain text.
 */
public final class TextTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private TextTemplate() {}

    /**
     * The resource {@code name} in {@code owner}'s package with every {@code {key}} replaced by its value, as is.
     * A placeholder without a value, or a value without a placeholder, is an {@link IllegalStateException}.
     */
    public static String fill(Class<?> owner, String name, Map<String, String> values) {
        String text = read(owner, name);
        Set<String> unused = new TreeSet<>(values.keySet());
        Matcher placeholder = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (placeholder.find()) {
            String value = values.get(placeholder.group(1));
            if (value == null) {
                throw new IllegalStateException(where(owner, name) + ": no value for {" + placeholder.group(1) + "}");
            }
            unused.remove(placeholder.group(1));
            placeholder.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(filled);
        if (!unused.isEmpty()) {
            throw new IllegalStateException(where(owner, name) + ": no placeholder for " + unused);
        }
        return filled.toString();
    }

    /** The resource's text, its line ends made {@code \n} whatever the checkout made them. */
    private static String read(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(where(owner, name) + ": no such resource");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(where(owner, name) + ": " + e.getMessage(), e);
        }
    }

    private static String where(Class<?> owner, String name) {
        return owner.getPackageName().replace('.', '/') + "/" + name;
    }
}
