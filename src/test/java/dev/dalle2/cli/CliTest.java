package dev.dalle2.cli;

import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;

class CliTest {
    @Test
    void infoShowsEngineAndDevice() {
        CliRun r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("libtorch 2.10.0"), r.out());
        assertTrue(r.out().contains("device     cpu"), r.out());
    }

    @Test
    void versionAndHelp() {
        CliRun v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("dalle2 "), v.out());
        CliRun h = run("inspect", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("FILE"), h.out());
    }

    @Test
    void badCommandLinesGiveOneLineAndCodeTwo() {
        run("--bogus").assertOneLineError(2, "Unknown option");
        run("inspect").assertOneLineError(2, "FILE");
        run("info", "--device", "tpu").assertOneLineError(1, "unknown device");
    }

    @Test
    void inspectListsEveryTensorWithStatistics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.safetensors");
        Map<String, org.bytedeco.pytorch.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer.weight", Ops.tensor(new float[] {1, 2, 3, 6}, 2, 2));
        tensors.put("layer.bias", Ops.zeros(2));
        Safetensors.write(file, tensors, Map.of("step", "12"));
        CliRun r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 tensors, 6 values"), r.out());
        assertTrue(r.out().contains("metadata step = 12"), r.out());
        assertTrue(r.out().matches("(?s).*layer\\.weight\\s+F32\\s+\\[2, 2\\]\\s+1\\.0000\\s+6\\.0000\\s+3\\.0000.*"), r.out());
    }

    @Test
    void inspectReadsAFileWrittenByAnotherImplementation() {
        CliRun r = run("inspect", "src/test/resources/reference.safetensors");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*f32\\s+F32\\s+\\[2, 3\\]\\s+0\\.0000\\s+5\\.0000\\s+2\\.5000.*"), r.out());
        assertTrue(r.out().contains("bf16"), r.out());
    }

    @Test
    void inspectOfMissingOrCorruptFilesFailsInOneLine(@TempDir Path dir) throws Exception {
        run("inspect", dir.resolve("none.safetensors").toString()).assertOneLineError(1, "none.safetensors");
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        run("inspect", bad.toString()).assertOneLineError(1, "bad.safetensors");
    }
}
