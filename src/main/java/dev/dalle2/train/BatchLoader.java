package dev.dalle2.train;

import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Assembles batches on a background thread, a few steps ahead of training. The order is a pure
 * function of (seed, step): each epoch is a fresh permutation drawn from the seed and the epoch
 * number, and augmentations of step s draw from a generator seeded by (seed, s), so a resumed run
 * sees exactly the batches an uninterrupted one would have seen.
 */
public final class BatchLoader implements AutoCloseable {
    private static final int AHEAD = 3;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;

    public BatchLoader(TrainingTask task, int batchSize, long seed, long firstStep, long endStep) {
        thread = new Thread(() -> produce(task, batchSize, seed, firstStep, endStep), "batch-loader");
        thread.setDaemon(true);
        thread.start();
    }

    /** The indices of the examples in batch {@code step}. */
    static int[] indices(int size, int batchSize, long seed, long step) {
        int[] out = new int[batchSize];
        long first = step * batchSize;
        long epoch = -1;
        int[] order = null;
        for (int i = 0; i < batchSize; i++) {
            long position = first + i;
            if (position / size != epoch) {
                epoch = position / size;
                order = permutation(size, new Random(seed * 1_000_003L + epoch));
            }
            out[i] = order[(int) (position % size)];
        }
        return out;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    private void produce(TrainingTask task, int batchSize, long seed, long firstStep, long endStep) {
        try {
            for (long step = firstStep; step < endStep; step++) {
                int[] idx = indices(task.size(), batchSize, seed, step);
                queue.put(task.load(idx, new Random(seed * 7_919L + step)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next batch, waiting for the loader when it is behind. */
    public HostBatch next() throws InterruptedException {
        Object item = queue.take();
        if (item instanceof RuntimeException e) {
            throw new IllegalStateException("loading a batch failed: " + e.getMessage(), e);
        }
        return (HostBatch) item;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
