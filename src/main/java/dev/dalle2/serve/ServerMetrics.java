package dev.dalle2.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;

/** The server's Prometheus metrics (the Prometheus Java client), as {@code GET /metrics} shows them. */
final class ServerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** HTTP requests by route (the matched path, or "other") and status code. */
    final Counter requests = Counter.builder().name("dalle2_http_requests").help("HTTP requests by route and status")
            .labelNames("route", "status").register(registry);
    /** Requests answered with an error (status 400 or more), by OpenAI error type. */
    final Counter errors = Counter.builder().name("dalle2_errors").help("Requests answered with an error, by error type")
            .labelNames("type").register(registry);
    /** Jobs by how they ended: done, failed, cancelled, or rejected (queue full). */
    final Counter jobs = Counter.builder().name("dalle2_jobs").help("Jobs by outcome: done, failed, cancelled, rejected")
            .labelNames("outcome").register(registry);
    /** Images the model made for jobs that finished. */
    final Counter images = Counter.builder().name("dalle2_images_generated").help("Images made").register(registry);
    /** Seconds the model worked on each job that ran (done, failed or cancelled while running). */
    final Histogram jobSeconds = Histogram.builder().name("dalle2_job_seconds").help("Seconds the model spent on each job")
            .classicUpperBounds(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300).register(registry);

    /** Adds the gauges whose values the queue knows: jobs waiting and jobs running. */
    void queue(DoubleSupplier waiting, DoubleSupplier running) {
        GaugeWithCallback.builder().name("dalle2_queue_length").help("Jobs waiting for the model")
                .callback(cb -> cb.call(waiting.getAsDouble())).register(registry);
        GaugeWithCallback.builder().name("dalle2_jobs_running").help("Jobs the model is working on (0 or 1)")
                .callback(cb -> cb.call(running.getAsDouble())).register(registry);
    }

    /** The Prometheus text exposition of every metric. */
    String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
