package dev.dalle2.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML recipe or a network folder's JSON config into its record. Every failure is one line that
 * names the file, the line and the key's full path, and says what is wrong:
 * {@code configs/x.yaml:30: training.batchSize: "lots" is not an integer},
 * {@code configs/x.yaml:35: training.emaDecay: must be in [0, 1), got 2.0},
 * {@code configs/x.yaml:31: training.learnRate: unknown key (did you mean learningRate?)}. Range errors come
 * from the records' compact constructors ({@link Checks}); a key the file lacks is reported as missing.
 * A number with a fraction is not taken for an integer, and an empty value is not taken for 0 (a key left out
 * still is, for the records to check).
 *
 * <p>A recipe may start from another: {@code base: emoji-decoder.yaml} (a path relative to the recipe's folder)
 * takes every key of that recipe, and the keys this one gives replace them, mapping by mapping (a list or a
 * value is replaced whole). A base may have a base; an error names the file that gives the key.
 */
public final class ConfigFile {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private ConfigFile() {}

    /** The key of a recipe that names the recipe it starts from. */
    public static final String BASE = "base";
    /** Recipes a chain of bases may hold at most. */
    private static final int MAX_BASES = 8;

    /** A YAML (or JSON) recipe of {@code type}; a key that {@code type} does not have is an error. */
    public static <T> T readRecipe(Path file, Class<T> type) throws IOException {
        List<Path> chain = chain(file);
        if (chain.size() == 1) {
            return read(YAML, file, type, true, "YAML");
        }
        List<KeyLines> lines = new ArrayList<>();
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        for (int i = chain.size() - 1; i >= 0; i--) {
            lines.add(0, KeyLines.scan(YAML.getFactory(), chain.get(i), type, true, "YAML"));
            merge(merged, (ObjectNode) YAML.readTree(chain.get(i).toFile()));
        }
        merged.remove(BASE);
        try {
            return YAML.treeToValue(merged, type);
        } catch (JsonMappingException e) {
            int giver = giver(lines, key(e));
            throw new IOException(describe(chain.get(giver), lines.get(giver), e), e);
        }
    }

    /** {@code file} and the recipes it starts from, nearest first; a missing base or a cycle is a one-line error. */
    public static List<Path> chain(Path file) throws IOException {
        List<Path> chain = new ArrayList<>(List.of(file));
        for (Path f = file; ; ) {
            String base = topLevelText(f, BASE);
            if (base.isEmpty()) {
                return chain;
            }
            Path next = (f.toAbsolutePath().getParent()).resolve(base).normalize();
            if (!Files.isRegularFile(next)) {
                throw new IOException(f + ": " + BASE + ": no such recipe " + next);
            }
            if (chain.stream().anyMatch(p -> p.toAbsolutePath().normalize().equals(next)) || chain.size() >= MAX_BASES) {
                throw new IOException(f + ": " + BASE + ": " + base + " makes a cycle of bases (or more than "
                        + MAX_BASES + " in a row)");
            }
            chain.add(next);
            f = next;
        }
    }

    /** Copies {@code over}'s keys into {@code into}: mappings merge key by key, anything else replaces. */
    private static void merge(ObjectNode into, ObjectNode over) {
        over.fields().forEachRemaining(entry -> {
            JsonNode old = into.get(entry.getKey());
            if (old instanceof ObjectNode o && entry.getValue() instanceof ObjectNode n) {
                merge(o, n);
            } else {
                into.set(entry.getKey(), entry.getValue().deepCopy());
            }
        });
    }

    /** The recipe of the chain (nearest first) that gives {@code path}, or its nearest section; 0 when none does. */
    private static int giver(List<KeyLines> lines, String path) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).line(path) != null) {
                return i;
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).nearest(path) > 0) {
                return i;
            }
        }
        return 0;
    }

    /** A JSON config read as {@code type}; keys that {@code type} does not have are ignored. */
    public static <T> T readConfig(Path file, Class<T> type) throws IOException {
        return read(JSON, file, type, false, "JSON");
    }

    /**
     * The top-level {@code key} of a YAML or JSON ({@code .json}) file as text, "" when absent; a file that does not parse, is
     * empty or is not a mapping of keys is a one-line error.
     */
    public static String topLevelText(Path file, String key) throws IOException {
        boolean json = file.getFileName().toString().endsWith(".json");
        try {
            JsonNode root = (json ? JSON : YAML).readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new IOException(file + ": empty");
            }
            if (!root.isObject()) {
                throw new IOException(file + ":1: expected a mapping of keys, found " + (root.isArray() ? "a list" : "a value"));
            }
            return root.path(key).asText("");
        } catch (JsonProcessingException e) {
            throw notParsed(file, json ? "JSON" : "YAML", e);
        }
    }

    private static <T> T read(ObjectMapper mapper, Path file, Class<T> type, boolean strict, String format)
            throws IOException {
        KeyLines lines = KeyLines.scan(mapper.getFactory(), file, type, strict, format);
        try {
            return mapper.readValue(file.toFile(), type);
        } catch (JsonMappingException e) {
            throw new IOException(describe(file, lines, e), e);
        } catch (JsonProcessingException e) {
            throw notParsed(file, format, e);
        }
    }

    /** A syntax error as one line: {@code x.yaml:17: not YAML: mapping values are not allowed here}. */
    static IOException notParsed(Path file, String format, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return new IOException(file + (line > 0 ? ":" + line : "") + ": not " + format + ": " + firstLine(e.getOriginalMessage()), e);
    }

    /** The full key a mapping failure is about: Jackson's path, and the record field a range check names. */
    private static String key(JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof ValueInstantiationException && e.getCause() instanceof BadValueException bad) {
            return path.isEmpty() ? bad.key() : path + "." + bad.key();
        }
        return path;
    }

    /** The one-line message for a failure to map the file onto its record. */
    private static String describe(Path file, KeyLines lines, JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof ValueInstantiationException && e.getCause() instanceof BadValueException bad) {
            String key = key(e);
            Integer line = lines.line(key);
            return line != null ? at(file, line, key, bad.problem()) : at(file, lines.nearest(key), key, bad.missing());
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return at(file, lines.nearest(path), path, firstLine(e.getCause().getMessage()));
        }
        int line = lines.line(path) != null ? lines.line(path)
                : e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation().getLineNr() : lines.nearest(path);
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return KeyLines.unknownKey(file, line, path, known);
        }
        if (e instanceof InvalidFormatException f) {
            Object value = f.getValue();
            String shown = value instanceof String s ? Texts.quoted(s) : String.valueOf(value);
            return at(file, line, path, shown + " is not " + KeyLines.expected(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return at(file, line, path, "expected " + KeyLines.expected(m.getTargetType()) + ", found " + lines.shown(path));
        }
        return at(file, line, path, firstLine(e.getOriginalMessage()));
    }

    private static String at(Path file, int line, String key, String problem) {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : Texts.shorten(key) + ": ") + problem;
    }

    /** Jackson's path as dotted keys and [i] indices: {@code unet.channelMult[1]}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** "a", "a or b", "a, b or c". */
    static String words(List<String> words) {
        int last = words.size() - 1;
        return last < 1 ? String.join("", words) : String.join(", ", words.subList(0, last)) + " or " + words.get(last);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
