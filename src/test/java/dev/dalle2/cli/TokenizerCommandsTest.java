package dev.dalle2.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;

class TokenizerCommandsTest {
    @Test
    void tokenizePrintsIdsThenTokens() {
        CliRun r = run("tokenize", "A dog");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("49406 320 1929 49407", lines.get(0));
        assertTrue(lines.get(2).matches("\\s*320  a</w>\\s+a"), lines.get(2));
        assertTrue(lines.get(3).matches("\\s*1929  dog</w>\\s+dog"), lines.get(3));
        assertTrue(r.out().contains("4 of 77 context tokens, vocabulary 49408"), r.out());
    }

    @Test
    void tokenizeCutsToTheContext() {
        CliRun r = run("tokenize", "a a a a a", "--context", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("49406 320 320 49407\n"), r.out());
        assertTrue(r.out().contains("4 of 4 context tokens (cut from 7)"), r.out());
    }

    @Test
    void tokenizeErrorsAreOneLine(@TempDir Path dir) {
        run("tokenize", "  ").assertOneLineError(1, "empty");
        run("tokenize", "a", "--vocab", dir.resolve("none.txt").toString()).assertOneLineError(1, "none.txt");
        run("tokenize", "a", "--context", "1").assertOneLineError(1, "context length");
        run("tokenize").assertOneLineError(2, "TEXT");
    }

    @Test
    void trainTokenizerWritesAMergeFileThatTokenizeReads(@TempDir Path dir) throws Exception {
        Path jsonl = dir.resolve("captions.jsonl");
        Files.writeString(jsonl, """
                {"caption": "low low low low low", "image": "1.png"}
                {"caption": "lower lower"}

                {"caption": "newest newest newest newest newest newest"}
                {"caption": "widest widest widest"}
                """);
        Path out = dir.resolve("tok/merges.txt");
        CliRun r = run("train", "tokenizer", "--captions", jsonl.toString(), "--vocab-size", "519", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("learned 5 merges from 4 captions"), r.out());
        assertEquals(List.of("#version: 0.2", "e s", "es t</w>", "l o", "e w", "ew est</w>"), Files.readAllLines(out));

        Path txt = dir.resolve("captions.txt");
        Files.writeString(txt, "low low low low low\nlower lower\nnewest newest newest newest newest newest\nwidest widest widest\n");
        Path gz = dir.resolve("merges.txt.gz");
        assertEquals(0, run("train", "tokenizer", "--captions", txt.toString(), "--vocab-size", "519", "--out", gz.toString()).code());

        for (Path vocab : List.of(out, gz)) {
            CliRun t = run("tokenize", "Newest", "--vocab", vocab.toString());
            assertEquals(0, t.code(), t.err());
            assertTrue(t.out().startsWith("517 77 516 518\n"), t.out());
            assertTrue(t.out().contains("ewest</w>"), t.out());
        }
    }

    @Test
    void trainErrorsAreOneLine(@TempDir Path dir) throws Exception {
        run("train").assertOneLineError(2, "tokenizer");
        Path missing = dir.resolve("none.jsonl");
        run("train", "tokenizer", "--captions", missing.toString(), "--vocab-size", "600",
                "--out", dir.resolve("m.txt").toString()).assertOneLineError(1, "none.jsonl");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"caption\": \"a dog\"}\n{\"text\": \"a cat\"}\n");
        run("train", "tokenizer", "--captions", bad.toString(), "--vocab-size", "600",
                "--out", dir.resolve("m.txt").toString()).assertOneLineError(1, "line 2");
        Path ok = dir.resolve("ok.txt");
        Files.writeString(ok, "a dog\n");
        run("train", "tokenizer", "--captions", ok.toString(), "--vocab-size", "100",
                "--out", dir.resolve("m.txt").toString()).assertOneLineError(1, "between 514 and 49408");
        run("train", "tokenizer", "--captions", ok.toString()).assertOneLineError(2, "--vocab-size");
    }
}
