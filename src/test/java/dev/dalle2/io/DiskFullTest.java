package dev.dalle2.io;

import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A full disk (issue 21) on a real small tmpfs: every writer fails with one IOException whose message names the file
 * and says "No space left on device", leaves no temporary file and keeps what was there before.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void aPngThatDoesNotFitNamesItsFile() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 256); PointerScope scope = new PointerScope()) {
            disk.fillLeaving(8);
            Path file = disk.root().resolve("noise.png");
            Tensor noise = Ops.rand(Ops.generator(0), 3, 128, 128).mul(Ops.scalar(2)).sub(Ops.scalar(1));
            IOException e = assertThrows(IOException.class, () -> Images.write(file, noise));
            assertEquals(file.toAbsolutePath() + ": No space left on device", e.getMessage());
            assertEquals(List.of("filler"), listing(disk.root()), "no partial PNG and no temporary file");
        }
    }

    @Test
    void anOptimizerStateThatDoesNotFitIsAnErrorNotAnAbort() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 256); PointerScope scope = new PointerScope()) {
            Linear layer = new Linear(256, 256);
            AdamW optimizer = new AdamW(new TensorVector(layer.parameters().toArray(new Tensor[0])), new AdamWOptions(1e-3));
            layer.forward(Ops.ones(4, 256)).sum().backward();
            optimizer.step(); // AdamW's two moments now hold 2 × 257 KiB, more than the disk has
            Path file = disk.root().resolve("optimizer.pt");
            Files.writeString(file, "the previous state");
            IOException e = assertThrows(IOException.class, () -> OptimizerArchive.save(file, optimizer));
            assertEquals(file.toAbsolutePath() + ": No space left on device", e.getMessage());
            assertEquals("the previous state", Files.readString(file));
            assertEquals(List.of("optimizer.pt"), listing(disk.root()));
        }
    }

    @Test
    void safetensorsThatDoNotFitNameTheirFile() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 128); PointerScope scope = new PointerScope()) {
            Path file = disk.root().resolve("weights.safetensors");
            IOException e = assertThrows(IOException.class,
                    () -> Safetensors.write(file, java.util.Map.of("w", Ops.ones(256, 256)), null));
            assertEquals(file.toAbsolutePath() + ": No space left on device", e.getMessage());
            assertEquals(List.of(), listing(disk.root()));
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
