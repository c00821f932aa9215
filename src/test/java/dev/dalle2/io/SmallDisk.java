package dev.dalle2.io;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few hundred kilobytes mounted for one test, to fill a disk for real. It needs root and a kernel that
 * lets this process mount; elsewhere the test is skipped with the reason (JUnit reports it as aborted).
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code kib} KiB on a new folder under {@code parent}, or skips the calling test. */
    public static SmallDisk mount(Path parent, long kib) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "a disk-full test mounts a small tmpfs, which needs root");
        Path dir = Files.createDirectories(parent.resolve("small-disk"));
        int code = run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString());
        Assumptions.assumeTrue(code == 0, "mount -t tmpfs failed (exit " + code + "): no permission to mount here");
        return new SmallDisk(dir);
    }

    public Path root() {
        return mountPoint;
    }

    /** Fills the disk up to {@code leftKib} KiB free with one file. */
    public void fillLeaving(long leftKib) throws IOException {
        long free = Files.getFileStore(mountPoint).getUsableSpace();
        Files.write(mountPoint.resolve("filler"), new byte[(int) Math.max(0, free - leftKib * 1024)]);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", mountPoint.toString()) != 0) {
            throw new IOException("umount " + mountPoint + " failed");
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
