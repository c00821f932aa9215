package dev.dalle2.serve;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One request on its way through the {@link JobQueue}: its result (the PNGs, or the error) completes {@link #result};
 * its progress goes to the one {@link Listener} a client may attach. Cancelling frees its place in the queue, or
 * stops its sampling at the next step.
 */
public final class Job {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String id;
    private final ImageRequest request;
    private final CompletableFuture<List<byte[]>> result = new CompletableFuture<>();
    private volatile boolean cancelled;
    private volatile Listener listener;
    private volatile Progress last;

    /** Progress of a job: the stage, its steps done and total, and the whole job's fraction done. */
    public record Progress(String stage, int step, int total, double fraction) {}

    /** Told of a job's progress, from the worker thread. */
    public interface Listener {
        void onProgress(Progress progress);
    }

    Job(ImageRequest request) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        this.id = "j-" + HexFormat.of().formatHex(bytes);
        this.request = request;
    }

    public String id() {
        return id;
    }

    public ImageRequest request() {
        return request;
    }

    /** The PNGs of the images, or the failure: an {@link ApiException}, a {@link java.util.concurrent.CancellationException}, or another. */
    public CompletableFuture<List<byte[]>> result() {
        return result;
    }

    /** Asks the job to stop; the queue notices before it starts or at the next sampling step. */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Attaches the listener (replacing any) and tells it the latest progress, if any. */
    public void listen(Listener l) {
        listener = l;
        Progress p = last;
        if (p != null && l != null) {
            l.onProgress(p);
        }
    }

    void progress(Progress p) {
        last = p;
        Listener l = listener;
        if (l != null) {
            l.onProgress(p);
        }
    }
}
