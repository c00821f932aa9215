package dev.dalle2.data.emoji;

import dev.dalle2.io.Folders;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Pinned npm packages in a cache folder: {@code npm pack NAME@VERSION} downloads
 * {@code NAME-VERSION.tgz} once (nothing runs when the archive is already there), and the archive is
 * unpacked with Commons Compress (gzip, then tar) into {@code NAME-VERSION/}, once. Both appear
 * atomically: a cut-off download or unpacking leaves no half-written archive or folder behind.
 */
public final class NpmPackages {
    private NpmPackages() {}

    /** {@code ~/.cache/dalle2/npm}. */
    public static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "dalle2", "npm");
    }

    /**
     * The unpacked {@code package/} folder of {@code name@version}, fetched into {@code cache} (created
     * when missing) when it is not there yet; what runs is said on {@code log}.
     *
     * @throws IOException naming the package when npm cannot be run or fails, or the archive cannot be unpacked
     */
    public static Path fetch(Path cache, String name, String version, PrintStream log) throws IOException {
        Files.createDirectories(cache);
        String base = archiveBase(name, version);
        Path tgz = cache.resolve(base + ".tgz");
        if (!Files.isRegularFile(tgz)) {
            log.println("npm pack " + name + "@" + version + " into " + cache);
            npmPack(cache, name + "@" + version, tgz);
        }
        Path dir = cache.resolve(base);
        if (!Files.isDirectory(dir)) {
            unpack(tgz, dir);
        }
        Path pkg = dir.resolve("package");
        if (!Files.isDirectory(pkg)) {
            throw new IOException(tgz + ": no package/ folder in this npm archive");
        }
        return pkg;
    }

    /**
     * The name npm pack gives the archive of {@code name@version}, without {@code .tgz}: a scoped name
     * loses its '@' and its '/' becomes '-' ({@code @iconify-json/noto-v1} 1.2.5 → {@code iconify-json-noto-v1-1.2.5}).
     * The archive is unpacked into a folder of the same name.
     */
    public static String archiveBase(String name, String version) {
        return name.replaceFirst("^@", "").replace('/', '-') + "-" + version;
    }

    /** Runs {@code npm pack spec} in a fresh folder of {@code cache} and moves the archive it writes to {@code tgz}. */
    private static void npmPack(Path cache, String spec, Path tgz) throws IOException {
        Path work = Files.createDirectories(cache.resolve(".pack-" + Long.toHexString(ThreadLocalRandom.current().nextLong())));
        try {
            Path log = work.resolve("npm.log");
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "pack", spec).directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IOException("cannot run npm to fetch " + spec + " (" + e.getMessage()
                        + "); install Node.js, or put " + tgz.getFileName() + " into " + cache);
            }
            int code = npm.waitFor();
            List<Path> archives;
            try (Stream<Path> files = Files.list(work)) {
                archives = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
            }
            if (code != 0 || archives.size() != 1) {
                String last = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                        .reduce((a, b) -> b).orElse("no output").strip();
                throw new IOException("npm pack " + spec + " failed (exit code " + code + "): " + last);
            }
            Files.move(archives.get(0), tgz, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + spec, e);
        } finally {
            Folders.deleteTree(work);
        }
    }

    /** Unpacks a gzip-compressed tar archive into {@code dir}, which must not exist yet; entries may not leave it. */
    static void unpack(Path tgz, Path dir) throws IOException {
        Path work = dir.resolveSibling("." + dir.getFileName() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectories(work);
        try {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = work.resolve(entry.getName()).normalize();
                    if (!target.startsWith(work)) {
                        throw new IOException("entry " + entry.getName() + " points outside the archive's folder");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isFile()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(tgz + ": cannot unpack: " + e.getMessage(), e);
            }
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Folders.deleteTree(work);
        }
    }
}
