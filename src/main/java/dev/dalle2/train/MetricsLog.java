package dev.dalle2.train;

import com.fasterxml.jackson.databind.ObjectMapper;

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
    private final BufferedWriter writer;
    private final List<double[]> losses = new ArrayList<>();

    /** Opens the log, keeping the lines of steps up to {@code firstStep} (the checkpoint's own step included). */
    public MetricsLog(Path file, long firstStep) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Map<?, ?> row = JSON.readValue(line, Map.class);
                long step = ((Number) row.get("step")).longValue();
                if (step <= firstStep) {
                    kept.add(line);
                    double loss = number(row.get("loss"));
                    if (Double.isFinite(loss)) {
                        losses.add(new double[] {step, loss});
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, kept, StandardCharsets.UTF_8);
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
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
            throw new UncheckedIOException(e);
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

    public void flush() throws IOException {
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
