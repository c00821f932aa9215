package dev.dalle2;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package rules of docs/ARCHITECTURE.md, read from the imports of the main sources: each package
 * imports only the project packages its row allows, and JavaCPP's scopes, no-grad guards and libtorch
 * optionals appear only in {@code nn} (and {@code io}, where tensors meet files).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/dalle2");
    private static final Set<String> BELOW_DIFFUSION = Set.of("io", "nn");
    private static final Set<String> NETWORKS = Set.of("diffusion", "io", "nn");
    private static final Set<String> MODELS = Set.of("clip", "prior", "decoder", "diffusion", "tokenizer", "io", "nn");
    private static final Set<String> DATA = Set.of("data", "data.shapes", "data.emoji");

    /** Package → the project packages it may import (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("nn", Set.of()),
            Map.entry("io", Set.of("nn")),
            Map.entry("tokenizer", BELOW_DIFFUSION),
            Map.entry("diffusion", BELOW_DIFFUSION),
            Map.entry("clip", Set.of("tokenizer", "io", "nn")),
            Map.entry("prior", NETWORKS),
            Map.entry("decoder", NETWORKS),
            Map.entry("data", Set.of("io")),
            Map.entry("data.shapes", Set.of("data", "io")),
            Map.entry("data.emoji", Set.of("data", "io")),
            Map.entry("embed", union(MODELS, DATA)),
            Map.entry("pipeline", union(MODELS, DATA, Set.of("embed"))),
            Map.entry("eval", union(MODELS, DATA, Set.of("embed", "pipeline"))),
            Map.entry("train", union(MODELS, DATA, Set.of("embed", "pipeline", "eval"))),
            Map.entry("serve", union(MODELS, DATA, Set.of("pipeline"))),
            Map.entry("cli", union(MODELS, DATA, Set.of("embed", "pipeline", "eval", "train", "serve"))));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.dalle2\\.((?:[a-z]+\\.)*?[a-z]+)\\.[A-Z]", Pattern.MULTILINE);
    private static final Pattern NATIVE = Pattern.compile(
            "\\bPointerScope\\b|\\bNoGradGuard\\b|import org\\.bytedeco\\.pytorch\\.\\w*Optional;");

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            seen.add(pkg);
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(file + ": package " + pkg + " has no row in ArchitectureTest (and docs/ARCHITECTURE.md)");
                continue;
            }
            Matcher m = IMPORT.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                String used = m.group(1);
                if (!used.equals(pkg) && !allowed.contains(used)) {
                    violations.add(file + ": " + pkg + " imports " + used);
                }
            }
        }
        assertEquals(List.of(), violations);
        assertEquals(ALLOWED.keySet(), seen, "every package in the table exists");
    }

    @Test
    void nativeScopesAndOptionalsStayInTheEngineLayer() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            if (pkg.equals("nn")) {
                continue;
            }
            Matcher m = NATIVE.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                boolean optionalInIo = pkg.equals("io") && m.group().endsWith("Optional;");
                if (!optionalInIo) {
                    violations.add(file + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theRuleSeesAViolation() {
        // The patterns must match what they forbid, or the tests above pass for nothing.
        Matcher m = IMPORT.matcher("package dev.dalle2.data;\n\nimport dev.dalle2.data.shapes.ShapeType;\nimport dev.dalle2.clip.ClipModel;\n");
        assertTrue(m.find());
        assertEquals("data.shapes", m.group(1));
        assertTrue(m.find());
        assertEquals("clip", m.group(1));
        assertTrue(NATIVE.matcher("try (PointerScope scope = new PointerScope()) {").find());
        assertTrue(NATIVE.matcher("import org.bytedeco.pytorch.ScalarTypeOptional;").find());
        assertTrue(NATIVE.matcher("NoGradGuard g = new NoGradGuard();").find());
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(Path file) {
        return MAIN.relativize(file.getParent()).toString().replace('/', '.');
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
