package dev.dalle2.io;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.ArchiveWriter;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * An optimiser's state (AdamW's moments and step counts) in libtorch's archive format ({@code optimizer.pt}).
 *
 * <p>libtorch's own file writer cannot fail cleanly: when the disk fills up it throws from the zip
 * writer's end-of-file record, inside a destructor, and the JVM aborts. So the archive's bytes are handed to
 * Java through a write callback that never reports a failure to libtorch; the first {@link IOException} is kept
 * and rethrown, naming the file, once libtorch has finished, and {@link AtomicFiles} leaves any old file as it was.
 */
public final class OptimizerArchive {
    private static final int CHUNK = 1 << 20;

    private OptimizerArchive() {}

    /** Writes {@code optimizer}'s state to {@code file}, atomically; a failure (disk full) is an IOException naming it. */
    public static void save(Path file, Optimizer optimizer) throws IOException {
        AtomicFiles.write(file, out -> {
            try (OutputArchive archive = new OutputArchive(); Sink sink = new Sink(out)) {
                optimizer.save(archive);
                archive.save_to(sink);
                if (sink.failure != null) {
                    throw sink.failure;
                }
            }
        });
    }

    /** Restores the state {@link #save} wrote into {@code optimizer}, whose parameters must match. */
    public static void load(Path file, Optimizer optimizer) {
        try (InputArchive archive = new InputArchive()) {
            archive.load_from(file.toString());
            optimizer.load(archive);
        }
    }

    /** The write callback: copies each block libtorch hands over into {@code out}, remembering the first failure. */
    private static final class Sink extends ArchiveWriter {
        private final OutputStream out;
        private final byte[] buffer = new byte[CHUNK];
        IOException failure;

        Sink(OutputStream out) {
            this.out = out;
        }

        @Override
        public long call(Pointer data, long size) {
            if (failure == null) {
                try (BytePointer bytes = new BytePointer(data)) {
                    for (long done = 0; done < size; done += CHUNK) {
                        int n = (int) Math.min(CHUNK, size - done);
                        bytes.position(done).get(buffer, 0, n);
                        out.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    failure = e;
                }
            }
            return size; // a short count would make libtorch throw where the JVM cannot catch it
        }
    }
}
