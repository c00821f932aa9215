package dev.dalle2.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metrics of every training step as JSON lines ({@code {"step":1,"loss":0.5,"lr":1e-4,…}}),
 * appended to {@code metrics.jsonl}. On resume, lines past the resumed step are dropped so the log
 * reads as one uninterrupted run. Also keeps the (step, loss) pairs for the loss curve.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter writer;
    private final List<double[]> losses = new ArrayList<>();

    /**
     * Opens the log, keeping the lines of steps up to {@code firstStep} (the checkpoint's own step included). A last
     * line cut short (the run was killed while writing it) is dropped; any other unreadable line is an error naming
     * the file and the line. The kept lines are rewritten atomically, so a full disk cannot lose them.
     */
    public MetricsLog(Path file, long firstStep) throws IOException {
        this.file = file;
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Map<?, ?> row = parse(file, lines, i);
                if (row != null && ((Number) row.get("step")).longValue() <= firstStep) {
                    kept.add(lines.get(i));
                    double loss = number(row.get("loss"));
                    if (Double.isFinite(loss)) {
                        losses.add(new double[] {((Number) row.get("step")).longValue(), loss});
                    }
                }
            }
        }
        AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Line {@code i} as a row with a step, null for a cut-short last line; an error naming the line otherwise. */
    private static Map<?, ?> parse(Path file, List<String> lines, int i) throws IOException {
        try {
            Map<?, ?> row = JSON.readValue(lines.get(i), Map.class);
            if (row != null && row.get("step") instanceof Number) {
                return row;
            }
        } catch (IOException e) {
            // reported below, unless it is the last line
        }
        if (i == lines.size() - 1) {
            return null;
        }
        throw new IOException(file + ":" + (i + 1) + ": not a metrics row with a step (the log is corrupt; "
                + "move it away to resume without it)");
    }

    /** A logged number: JSON writes a non-finite one (a skipped step's loss) as a string such as "NaN". */
    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value));
    }

    /** Appends one step's metrics; {@code metrics} must contain "step" and "loss". */
    public void log(Map<String, Object> metrics) {
        try {
            writer.write(JSON.writeValueAsString(metrics));
            writer.newLine();
        } catch (IOException e) {
            IOException named = failure(e);
            throw new UncheckedIOException(named.getMessage(), named);
        }
        double loss = ((Number) metrics.get("loss")).doubleValue();
        if (Double.isFinite(loss)) {
            losses.add(new double[] {((Number) metrics.get("step")).doubleValue(), loss});
        }
    }

    /** Every logged (step, loss) pair with a finite loss so far, in order. */
    public List<double[]> losses() {
        return losses;
    }

    /** Writes the buffered rows; a failure (a full disk) names the file. */
    public void flush() throws IOException {
        try {
            writer.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private IOException failure(IOException e) {
        return AtomicFiles.naming(file, e);
    }
}
