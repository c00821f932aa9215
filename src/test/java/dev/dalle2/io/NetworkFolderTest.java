package dev.dalle2.io;

import dev.dalle2.nn.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Corrupt weights (issue 21): a non-finite value is a one-line error naming the file and the tensor. */
class NetworkFolderTest {
    @Test
    void finiteWeightsLoad(@TempDir Path dir) throws IOException {
        NetworkFolder.write(dir, Map.of("kind", "test"), Map.of("w", Ops.tensor(new float[] {1, -1.5e37f}, 2)), Map.of());
        assertEquals(2, NetworkFolder.weights(dir).get("w").numel());
    }

    @Test
    void nonFiniteWeightsAreAnErrorNamingTheFileAndTensor(@TempDir Path dir) throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            NetworkFolder.write(dir, Map.of("kind", "test"), Map.of("ok", Ops.ones(3),
                    "conv.weight", Ops.tensor(new float[] {1, bad, 2}, 3)), Map.of());
            IOException e = assertThrows(IOException.class, () -> NetworkFolder.weights(dir));
            assertEquals(dir.resolve("weights.safetensors") + ": tensor conv.weight holds a NaN or infinite value (corrupt weights)",
                    e.getMessage());
        }
    }
}
