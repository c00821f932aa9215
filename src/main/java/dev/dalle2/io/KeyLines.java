package dev.dalle2.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The line of every key of a YAML or JSON config, by its full path ({@code training.learningRate},
 * {@code unet.channelMult[1]}), read before the config is mapped onto its record. With {@code strict} a key
 * that the record type does not have is an error at once, so that it is reported rather than the range
 * error its missing value would cause: {@code x.yaml:31: training.learnRate: unknown key (did you mean
 * learningRate?)}.
 */
final class KeyLines {
    /** Known keys are listed in an unknown-key error only when there are this few. */
    private static final int MAX_LISTED = 8;

    /** Where a key is and how its value reads in an error ({@code "lots"}, {@code a list}). */
    private record Entry(int line, String shown) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Path file;
    private final boolean strict;

    private KeyLines(Path file, boolean strict) {
        this.file = file;
        this.strict = strict;
    }

    /**
     * Scans {@code file} as {@code type}: a syntax error, an empty file, a file that is not a mapping, an empty value
     * for a number or a boolean, or (with {@code strict}) an unknown key is a one-line error.
     */
    static KeyLines scan(JsonFactory factory, Path file, Class<?> type, boolean strict, String format) throws IOException {
        KeyLines keys = new KeyLines(file, strict);
        try (JsonParser p = factory.createParser(file.toFile())) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException(file + ": empty");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException(file + ":" + p.currentTokenLocation().getLineNr()
                        + ": expected a mapping of keys, found " + describeToken(p));
            }
            keys.object(p, type, "");
        } catch (JsonProcessingException e) {
            throw ConfigFile.notParsed(file, format, e);
        }
        return keys;
    }

    /** The line of {@code path}, or null when the file does not give it. */
    Integer line(String path) {
        Entry e = entries.get(path);
        return e == null ? null : e.line();
    }

    /** The value of {@code path} as an error shows it, e.g. {@code "lots"} or {@code a list}; "no value" when absent. */
    String shown(String path) {
        Entry e = entries.get(path);
        return e == null ? "no value" : e.shown();
    }

    /** The line of {@code path} or of its nearest ancestor the file gives; 0 for the top (the whole file). */
    int nearest(String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            if (entries.containsKey(p)) {
                return entries.get(p).line();
            }
        }
        return 0;
    }

    /** The error for {@code key} (its full path), unknown among {@code known}, at {@code line}. */
    static String unknownKey(Path file, int line, String key, Collection<String> known) {
        String name = key.substring(key.lastIndexOf('.') + 1);
        String nearest = nearest(name, known);
        String hint = nearest != null ? " (did you mean " + nearest + "?)"
                : known.size() <= MAX_LISTED ? " (known keys: " + String.join(", ", known) + ")" : "";
        return file + ":" + line + ": " + Texts.shorten(key) + ": unknown key" + hint;
    }

    /** What a value of {@code type} looks like in a config: "an integer", "a number", "one of eps, x0 or v", … */
    static String expected(Class<?> type) {
        if (type == int.class || type == long.class || type == short.class || type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + ConfigFile.words(Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).toList());
        }
        return Collection.class.isAssignableFrom(type) || type.isArray() ? "a list" : "a mapping of keys";
    }

    /** The value the parser stands on, as a reader of the file would name it. */
    static String describeToken(JsonParser p) {
        JsonToken token = p.currentToken();
        if (token == null || token == JsonToken.VALUE_NULL) {
            return "no value";
        }
        try {
            return switch (token) {
                case START_OBJECT, FIELD_NAME, END_OBJECT -> "a mapping of keys";
                case START_ARRAY, END_ARRAY -> "a list";
                case VALUE_STRING -> Texts.quoted(p.getText());
                default -> Texts.shorten(p.getText());
            };
        } catch (IOException e) {
            return token.toString();
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private void value(JsonParser p, Type type, String path) throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT) {
            object(p, type, path);
        } else if (p.currentToken() == JsonToken.START_ARRAY) {
            array(p, type, path);
        }
    }

    private void object(JsonParser p, Type type, String path) throws IOException {
        Map<String, Type> fields = fields(type);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String key = path.isEmpty() ? name : path + "." + name;
            int line = p.currentTokenLocation().getLineNr();
            if (strict && fields != null && !fields.containsKey(name) && !(path.isEmpty() && name.equals(ConfigFile.BASE))) {
                throw new IOException(unknownKey(file, line, key, fields.keySet()));
            }
            p.nextToken();
            Type fieldType = fields == null ? null : fields.get(name);
            if (p.currentToken() == JsonToken.VALUE_NULL && fieldType instanceof Class<?> c && c.isPrimitive()) {
                throw new IOException(file + ":" + line + ": " + key + ": no value (expected " + expected(c) + ")");
            }
            entries.put(key, new Entry(line, describeToken(p)));
            value(p, fieldType, key);
        }
    }

    private void array(JsonParser p, Type type, String path) throws IOException {
        Type element = type instanceof ParameterizedType list ? list.getActualTypeArguments()[0] : null;
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String key = path + "[" + i + "]";
            entries.put(key, new Entry(p.currentTokenLocation().getLineNr(), describeToken(p)));
            value(p, element, key);
        }
    }

    /** A record's keys and their types, or null for any other type (whose keys are not checked). */
    private static Map<String, Type> fields(Type type) {
        if (!(type instanceof Class<?> c) || !c.isRecord()) {
            return null;
        }
        Map<String, Type> out = new LinkedHashMap<>();
        for (RecordComponent component : c.getRecordComponents()) {
            out.put(component.getName(), component.getGenericType());
        }
        return out;
    }

    /** The known key closest to {@code name} (ignoring case), when it is close enough to be a misspelling. */
    private static String nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Math.max(2, name.length() / 3) + 1;
        for (String candidate : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
