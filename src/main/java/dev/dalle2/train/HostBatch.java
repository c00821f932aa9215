package dev.dalle2.train;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * A training batch in Java memory, assembled on the loader thread; turned into tensors on the
 * training thread inside the step's scope. Each entry is float32 data with its shape.
 */
public record HostBatch(Map<String, Array> arrays) {
    /** Row-major float data of a given shape. */
    public record Array(float[] data, long... shape) {}

    public Tensor tensor(String name) {
        Array a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("batch has no '" + name + "'");
        }
        return Ops.tensor(a.data(), a.shape());
    }
}
