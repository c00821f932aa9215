package dev.dalle2.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder rules shared by the writers: output goes only into a new or empty folder; temporary trees are deleted whole. */
public final class Folders {
    private Folders() {}

    /** An IllegalArgumentException naming {@code dir} when it exists and is not an empty folder. */
    public static void requireNewOrEmpty(Path dir) throws IOException {
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not an empty folder; choose a new one");
        }
    }

    /**
     * Makes sure files can be written into {@code dir} before any work goes into them: creates it (and its parents)
     * when missing and writes and deletes a probe file. Fails with one line naming {@code dir}: it is a file, or
     * cannot be created or written (permission denied, a read-only or pseudo file system).
     */
    public static void requireWritable(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + ": is a file, not a folder");
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".dalle2-probe-", ".tmp"));
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(dir + ": cannot write files there (" + reason.replace(dir + ": ", "") + ")", e);
        }
    }

    /** Bytes free for this user on the file system of {@code path}, or of its nearest existing parent. */
    public static long usableSpace(Path path) throws IOException {
        Path existing = path.toAbsolutePath();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing).getUsableSpace();
    }

    /** A byte count as people read it: {@code 812 bytes}, {@code 48.0 KiB}, {@code 12.3 MiB}, {@code 3.4 GiB}. */
    public static String bytes(double n) {
        if (n < 1024) {
            return String.format(java.util.Locale.ROOT, "%.0f bytes", n);
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        n /= 1024;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", n, units[u]);
    }

    /** Deletes {@code dir} and everything below it; nothing happens when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
