package dev.dalle2.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that readers see either the old content or the complete new one, never a
 * partial file: the content goes to a hidden temporary file in the target's directory, is synced
 * to disk, and is then renamed over the target in one atomic step.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code target} with {@code writer}, creating missing parent directories. When the
     * writer or the rename fails, the temporary file is deleted, an existing target is left
     * untouched and the failure is rethrown as an IOException whose one-line message names
     * {@code target} (a full disk: {@code runs/x/loss.png: No space left on device}).
     */
    public static void write(Path target, IoWriter writer) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        Files.createFile(temp);
        try {
            try (FileOutputStream stream = new FileOutputStream(temp.toFile());
                 OutputStream out = new BufferedOutputStream(stream, 1 << 16)) {
                writer.write(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush(); // the file is closed after the sync below, not by the writer
                    }
                });
                out.flush();
                stream.getFD().sync();
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteAfterFailure(temp, e);
            throw naming(file, e);
        } catch (RuntimeException | Error e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /**
     * {@code failure} with a message that starts with {@code file}, and says what went wrong at the bottom of its
     * causes (ImageIO reports a full disk as "I/O error writing PNG file!", with the reason only in its cause).
     */
    public static IOException naming(Path file, IOException failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (reason.startsWith(file.toString())) {
            return failure;
        }
        return new IOException(file + ": " + reason, failure);
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically as {@link #write} does. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }
}
