package dev.dalle2.serve;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The model's work list: jobs wait in a bounded queue (beyond its capacity a submission is refused with 429 and a
 * Retry-After) and one worker thread, the only one that touches the model, runs them in order. A cancelled job
 * leaves the queue at once, or stops at its next sampling step when it is running. {@link #close} refuses new jobs,
 * cancels the waiting ones, and gives the running one a grace period before cancelling it too.
 */
final class JobQueue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobQueue.class.getName());
    private final Renderer renderer;
    private final BlockingQueue<Job> waiting;
    private final ServerMetrics metrics;
    private final Thread worker;
    private volatile Job running;
    private volatile boolean closing;
    /** Seconds the last job ran, for Retry-After (at least 1). */
    private volatile double lastSeconds = 1;

    JobQueue(Renderer renderer, int capacity, ServerMetrics metrics) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the queue must hold at least 1 job, got " + capacity);
        }
        this.renderer = renderer;
        this.waiting = new ArrayBlockingQueue<>(capacity);
        this.metrics = metrics;
        metrics.queue(waiting::size, () -> running != null ? 1 : 0);
        worker = new Thread(this::work, "dalle2-model");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues a job for {@code request}: 429 when the queue is full, 503 when the server is shutting down. */
    Job submit(ImageRequest request) {
        if (closing) {
            throw new ApiException(503, "server_error", "the server is shutting down", null, "shutting_down", 0);
        }
        Job job = new Job(request);
        if (!waiting.offer(job)) {
            metrics.jobs.labelValues("rejected").inc();
            int retry = (int) Math.max(1, Math.ceil(lastSeconds * (waiting.size() + 1)));
            throw new ApiException(429, "rate_limit_error", "the server is busy: " + waiting.size()
                    + " jobs are waiting; retry in " + retry + " s", null, "queue_full", retry);
        }
        return job;
    }

    /** Cancels {@code job}: it leaves the queue now, or its sampling stops at the next step. */
    void cancel(Job job) {
        job.cancel();
        if (waiting.remove(job)) {
            finish(job, new CancellationException("cancelled before it started"), "cancelled");
        }
    }

    /** Jobs ahead of {@code job} (the running one included); 0 when it runs or has ended. */
    int position(Job job) {
        if (running == job) {
            return 0;
        }
        int ahead = running != null ? 1 : 0;
        for (Job j : waiting) {
            if (j == job) {
                return ahead;
            }
            ahead++;
        }
        return 0;
    }

    int waiting() {
        return waiting.size();
    }

    private void work() {
        while (true) {
            Job job;
            try {
                job = waiting.take();
            } catch (InterruptedException e) {
                return;
            }
            running = job;
            try {
                run(job);
            } finally {
                running = null;
            }
        }
    }

    private void run(Job job) {
        if (job.cancelled()) {
            finish(job, new CancellationException("cancelled before it started"), "cancelled");
            return;
        }
        long start = System.nanoTime();
        List<String> stages = renderer.stages(job.request());
        try {
            List<byte[]> pngs = renderer.render(job.request(), (stage, done, total) -> {
                if (job.cancelled()) {
                    throw new CancellationException("cancelled at step " + done + " of the " + stage);
                }
                int index = Math.max(0, stages.indexOf(stage));
                job.progress(new Job.Progress(stage, done, total, (index + (double) done / total) / stages.size()));
            });
            metrics.images.inc(pngs.size());
            metrics.jobs.labelValues("done").inc();
            job.result().complete(pngs);
        } catch (CancellationException e) {
            finish(job, e, "cancelled");
        } catch (IllegalArgumentException e) {
            // the model's own checks of its input, e.g. a prompt longer than its text encoder reads
            finish(job, ApiException.invalid(null, e.getMessage()), "failed");
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "job " + job.id() + " failed", e);
            finish(job, new ApiException(500, "server_error", "the model failed: " + e.getMessage(), null, null, 0), "failed");
        } finally {
            double seconds = (System.nanoTime() - start) / 1e9;
            lastSeconds = Math.max(1, seconds);
            metrics.jobSeconds.observe(seconds);
        }
    }

    private void finish(Job job, Throwable failure, String outcome) {
        metrics.jobs.labelValues(outcome).inc();
        job.result().completeExceptionally(failure);
    }

    /**
     * Refuses new jobs, cancels the waiting ones (they fail with 503), lets the running one finish for up to
     * {@code grace}, then cancels it and waits for the worker to stop.
     */
    void close(Duration grace) {
        closing = true;
        Job j;
        while ((j = waiting.poll()) != null) {
            j.cancel();
            finish(j, new ApiException(503, "server_error", "the server is shutting down", null, "shutting_down", 0), "cancelled");
        }
        Job current = running;
        if (current != null) {
            try {
                current.result().handle((r, e) -> null).get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception timedOut) {
                current.cancel();
            }
        }
        worker.interrupt();
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while ((j = waiting.poll()) != null) { // submitted while closing began
            finish(j, new ApiException(503, "server_error", "the server is shutting down", null, "shutting_down", 0), "cancelled");
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
