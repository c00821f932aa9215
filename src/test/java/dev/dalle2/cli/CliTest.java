package dev.dalle2.cli;

import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CliTest {
    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(Result r, int code, String contains) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("dalle2: ") && r.err().contains(contains), r.err());
    }

    @Test
    void infoShowsEngineAndDevice() {
        Result r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("libtorch 2.10.0"), r.out());
        assertTrue(r.out().contains("device     cpu"), r.out());
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("dalle2 "), v.out());
        Result h = run("inspect", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("FILE"), h.out());
    }

    @Test
    void badCommandLinesGiveOneLineAndCodeTwo() {
        assertOneLineError(run("--bogus"), 2, "Unknown option");
        assertOneLineError(run("inspect"), 2, "FILE");
        assertOneLineError(run("info", "--device", "tpu"), 1, "unknown device");
    }

    @Test
    void inspectListsEveryTensorWithStatistics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.safetensors");
        Map<String, org.bytedeco.pytorch.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer.weight", Ops.tensor(new float[] {1, 2, 3, 6}, 2, 2));
        tensors.put("layer.bias", Ops.zeros(2));
        Safetensors.write(file, tensors, Map.of("step", "12"));
        Result r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 tensors, 6 values"), r.out());
        assertTrue(r.out().contains("metadata step = 12"), r.out());
        assertTrue(r.out().matches("(?s).*layer\\.weight\\s+F32\\s+\\[2, 2\\]\\s+1\\.0000\\s+6\\.0000\\s+3\\.0000.*"), r.out());
    }

    @Test
    void inspectReadsAFileWrittenByAnotherImplementation() {
        Result r = run("inspect", "src/test/resources/reference.safetensors");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*f32\\s+F32\\s+\\[2, 3\\]\\s+0\\.0000\\s+5\\.0000\\s+2\\.5000.*"), r.out());
        assertTrue(r.out().contains("bf16"), r.out());
    }

    @Test
    void inspectOfMissingOrCorruptFilesFailsInOneLine(@TempDir Path dir) throws Exception {
        assertOneLineError(run("inspect", dir.resolve("none.safetensors").toString()), 1, "none.safetensors");
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        assertOneLineError(run("inspect", bad.toString()), 1, "bad.safetensors");
    }
}
