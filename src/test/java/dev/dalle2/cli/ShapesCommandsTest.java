package dev.dalle2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;

class ShapesCommandsTest {
    @Test
    void generatedShapesScoreFullMarks(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("shapes");
        CliRun data = run("data", "shapes", "--out", dir.toString(), "--count", "40", "--size", "32", "--seed", "2");
        assertEquals(0, data.code(), data.err());
        assertEquals(40, Files.readAllLines(dir.resolve("captions.jsonl")).size());

        CliRun table = run("eval", "shapes", "--images", dir.toString());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().matches("(?s)images\\s+40\n.*shape right\\s+100\\.0%.*colour right\\s+100\\.0%"
                + ".*both right\\s+100\\.0%.*relation right\\s+100\\.0%\n"), table.out());

        CliRun json = run("eval", "shapes", "--images", dir.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode node = new ObjectMapper().readTree(json.out());
        assertEquals(40, node.get("images").asInt());
        assertEquals(40, node.get("one_shape_images").asInt() + node.get("two_shape_images").asInt());
        assertTrue(node.get("two_shape_images").asInt() > 0);
        for (String key : new String[] {"shape_accuracy", "colour_accuracy", "both_accuracy", "relation_accuracy"}) {
            assertEquals(1.0, node.get(key).asDouble(), key);
        }
        assertEquals(1, json.out().lines().count());
    }

    @Test
    void aWrongCaptionLowersTheScore(@TempDir Path dir) throws Exception {
        assertEquals(0, run("data", "shapes", "--out", dir.toString(), "--count", "2", "--size", "32",
                "--two-shape-fraction", "0").code());
        Files.writeString(dir.resolve("captions.jsonl"), """
                {"image":"images/000000.png","caption":"%s"}
                {"image":"images/000001.png","caption":"a small red circle"}
                """.formatted(Files.readAllLines(dir.resolve("captions.jsonl")).get(0).split("\"caption\":\"")[1].split("\"")[0]));
        CliRun r = run("eval", "shapes", "--images", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode node = new ObjectMapper().readTree(r.out());
        assertTrue(node.get("both_accuracy").asDouble() <= 0.5, r.out());
        assertTrue(node.get("relation_accuracy").isNull(), r.out());
    }

    @Test
    void badFoldersFailInOneLine(@TempDir Path tmp) throws Exception {
        CliRun missing = run("eval", "shapes", "--images", tmp.resolve("none").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("dalle2: ") && missing.err().contains("no such folder"), missing.err());
        assertEquals("", missing.out());

        CliRun empty = run("eval", "shapes", "--images", tmp.toString());
        assertEquals(1, empty.code());
        assertEquals(1, empty.err().lines().count(), empty.err());
        assertTrue(empty.err().contains("no captions.jsonl"), empty.err());

        Files.writeString(tmp.resolve("x.txt"), "busy");
        CliRun busy = run("data", "shapes", "--out", tmp.toString(), "--count", "2", "--size", "32");
        assertEquals(1, busy.code());
        assertTrue(busy.err().contains("not an empty folder"), busy.err());
        assertEquals(2, run("data", "shapes", "--out", tmp.toString()).code());
    }

    @Test
    void parentsNameTheirSubcommands() {
        assertTrue(run("data").err().contains("shapes"));
        assertTrue(run("eval").err().contains("shapes"));
        assertEquals(2, run("eval").code());
    }
}
