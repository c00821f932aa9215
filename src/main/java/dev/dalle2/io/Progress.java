package dev.dalle2.io;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar for long work, on standard error: {@code label [#####-----] 50/100 12.3 it/s ETA 0:04 extra}.
 * On a terminal it redraws one line; otherwise (logs, CI) it prints a line at every 10%.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 24;
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private long done;

    public Progress(String label, long total) {
        this(label, total, System.err);
    }

    /** A bar on {@code out}, redrawn in place only when {@code out} is standard error on a terminal. */
    public Progress(String label, long total, PrintStream out) {
        this(label, total, out, out == System.err && System.console() != null);
    }

    Progress(String label, long total, PrintStream out, boolean terminal) {
        this.label = label;
        this.total = Math.max(1, total);
        this.out = out;
        this.terminal = terminal;
    }

    /** Marks {@code count} units done, with an optional status text (loss, learning rate, …). */
    public void update(long count, String status) {
        done = count;
        long now = System.nanoTime();
        int decile = (int) (10 * done / total);
        if (terminal && (now - lastDraw > 100_000_000L || done >= total)) {
            out.print("\r" + line(status, now));
            out.flush();
            lastDraw = now;
        } else if (!terminal && decile > lastDecile) {
            out.println(line(status, now));
            lastDecile = decile;
        }
    }

    public void step(String status) {
        update(done + 1, status);
    }

    String line(String status, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        int filled = (int) (WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        long eta = rate > 0 ? (long) ((total - done) / rate) : 0;
        return String.format(Locale.ROOT, "%s [%s] %d/%d %.2f it/s ETA %s%s", label, bar, done, total, rate,
                clock(eta), status == null || status.isEmpty() ? "" : " " + status);
    }

    private static String clock(long seconds) {
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void close() {
        if (terminal) {
            out.println();
        }
    }
}
