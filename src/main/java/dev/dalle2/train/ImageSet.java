package dev.dalle2.train;

/**
 * Training images held in memory as float32 [3, S, S] in [-1, 1], each with an optional
 * conditioning vector of a fixed size.
 */
public record ImageSet(float[][] pixels, int imageSize, float[][] conditions) {
    public ImageSet {
        if (pixels.length == 0) {
            throw new IllegalArgumentException("no training images");
        }
        if (conditions != null && conditions.length != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " images but " + conditions.length + " conditions");
        }
    }

    public int size() {
        return pixels.length;
    }

    public int conditionSize() {
        return conditions == null ? 0 : conditions[0].length;
    }

    /** The images at {@code indices} as one [B, 3, S, S] array. */
    public HostBatch.Array images(int[] indices) {
        return gather(pixels, indices, 3L, imageSize, imageSize);
    }

    /** The conditioning vectors at {@code indices} as one [B, D] array. */
    public HostBatch.Array conditions(int[] indices) {
        return gather(conditions, indices, conditionSize());
    }

    private static HostBatch.Array gather(float[][] rows, int[] indices, long... rowShape) {
        int width = rows[0].length;
        float[] out = new float[indices.length * width];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(rows[indices[i]], 0, out, i * width, width);
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = indices.length;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return new HostBatch.Array(out, shape);
    }
}
