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
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
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

    /** A YAML (or JSON) recipe of {@code type}; a key that {@code type} does not have is an error. */
    public static <T> T readRecipe(Path file, Class<T> type) throws IOException {
        return read(YAML, file, type, true, "YAML");
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

    /** The one-line message for a failure to map the file onto its record. */
    private static String describe(Path file, KeyLines lines, JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof ValueInstantiationException && e.getCause() instanceof BadValueException bad) {
            String key = path.isEmpty() ? bad.key() : path + "." + bad.key();
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
