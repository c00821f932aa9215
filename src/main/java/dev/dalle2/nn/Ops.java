package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The thin layer over libtorch that model code uses: tensor creation from Java arrays and back,
 * seeded random draws, scalar arithmetic and activations, without the C++-shaped optionals and
 * scalar wrappers of the raw presets. Tensors are created on {@link Engine#device()}.
 */
public final class Ops {
    static {
        Engine.start();
    }

    private Ops() {}

    // ----- creation and extraction -----------------------------------------------------------

    private static TensorOptions floats() {
        return new TensorOptions(torch.ScalarType.Float).device(new org.bytedeco.pytorch.DeviceOptional(Engine.device()));
    }


    /** A float32 tensor holding a copy of {@code data} with the given shape. */
    public static Tensor tensor(float[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = torch.empty(shape, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
        t.data_ptr_float().put(data);
        return onDevice(t);
    }

    /** A float32 tensor holding {@code data} (rounded to float) with the given shape. */
    public static Tensor tensor(double[] data, long... shape) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return tensor(f, shape);
    }

    /** An int64 tensor holding a copy of {@code data} with the given shape. */
    public static Tensor longTensor(long[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = torch.empty(shape, new TensorOptions(torch.ScalarType.Long), new MemoryFormatOptional());
        t.data_ptr_long().put(data);
        return onDevice(t);
    }

    /** The elements of {@code t} in row-major order, converted to float32 on the CPU. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), torch.ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** The elements of {@code t} in row-major order, converted to int64 on the CPU. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), torch.ScalarType.Long).contiguous();
        long[] out = new long[(int) c.numel()];
        c.data_ptr_long().get(out);
        return out;
    }

    /** The value of a one-element tensor. */
    public static double item(Tensor t) {
        return t.item_double();
    }

    /** Whether every element of {@code t} is finite (no NaN, no ±∞). */
    public static boolean allFinite(Tensor t) {
        try (PointerScope scope = new PointerScope()) {
            return t.isfinite().all().item_bool();
        }
    }

    public static Tensor zeros(long... shape) {
        return torch.zeros(shape, floats());
    }

    public static Tensor ones(long... shape) {
        return torch.ones(shape, floats());
    }

    public static Tensor full(double value, long... shape) {
        return torch.full(shape, new Scalar(value), floats());
    }

    /** [n] float32: 0, 1, …, n-1. */
    public static Tensor arange(long n) {
        return torch.arange(new Scalar(n), floats());
    }

    // ----- randomness --------------------------------------------------------------------------

    /** A CPU generator with its own seed, for draws that must not depend on anything else. */
    public static Generator generator(long seed) {
        return torch.make_generator_cpu(seed);
    }

    /** Standard normal draws; from {@code g}, or from the default generator when it is null. */
    public static Tensor randn(Generator g, long... shape) {
        Tensor t = torch.randn(shape, optional(g), new TensorOptions(torch.ScalarType.Float));
        return onDevice(t);
    }

    /** Uniform draws in [0, 1); from {@code g}, or from the default generator when it is null. */
    public static Tensor rand(Generator g, long... shape) {
        Tensor t = torch.rand(shape, optional(g), new TensorOptions(torch.ScalarType.Float));
        return onDevice(t);
    }

    /** Uniform integers in [0, high) as int64; from {@code g}, or the default generator when null. */
    public static Tensor randint(Generator g, long high, long... shape) {
        Tensor t = torch.randint(high, shape, optional(g), new TensorOptions(torch.ScalarType.Long));
        return onDevice(t);
    }

    // ----- arithmetic with Java numbers ------------------------------------------------------

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    public static Tensor mul(Tensor a, double b) {
        return a.mul(new Scalar(b));
    }

    public static Tensor add(Tensor a, double b) {
        return a.add(new Scalar(b));
    }

    /** a + alpha * b. */
    public static Tensor addScaled(Tensor a, Tensor b, double alpha) {
        return a.add(b, new Scalar(alpha));
    }

    public static Tensor clamp(Tensor a, double min, double max) {
        return torch.clamp(a, new org.bytedeco.pytorch.ScalarOptional(new Scalar(min)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(max)));
    }

    /** a clamped element-wise to [min, max], both tensors broadcast against a. */
    public static Tensor clamp(Tensor a, Tensor min, Tensor max) {
        return torch.clamp(a, new TensorOptional(min), new TensorOptional(max));
    }

    /** The sum over dimension {@code dim}, which is removed; the dtype stays x's. */
    public static Tensor sum(Tensor x, long dim) {
        return x.sum(new long[] {dim}, false, new ScalarTypeOptional());
    }

    /** The int64 index of the largest value along dimension {@code dim}, which is removed. */
    public static Tensor argmax(Tensor x, long dim) {
        return x.argmax(new LongOptional(dim), false);
    }

    /** The {@code q}-quantile along dimension {@code dim} (linear interpolation), which is removed. */
    public static Tensor quantile(Tensor x, double q, long dim) {
        return torch.quantile(x, q, new LongOptional(dim), false, "linear");
    }

    /** Average pooling of [B, C, H, W] over k×k windows at stride k, without padding. */
    public static Tensor avgPool2d(Tensor x, long k) {
        return torch.avg_pool2d(x, new long[] {k, k}, new long[] {k, k}, new long[] {0, 0}, false, true, new LongOptional());
    }

    /** [B, C, H, W] padded by {@code pad} on each side of the last two dimensions, reflecting the edges. */
    public static Tensor reflectPad(Tensor x, long pad) {
        return torch.pad(x, new long[] {pad, pad, pad, pad}, "reflect", new DoubleOptional());
    }

    /** A 2-D convolution without bias, stride 1, padding 0 and dilation 1, in {@code groups} groups. */
    public static Tensor conv2d(Tensor x, Tensor weight, long groups) {
        return torch.conv2d(x, weight, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, groups);
    }

    /** 1 − x, elementwise: a keep mask from a repaint mask and back. */
    public static Tensor oneMinus(Tensor x) {
        return add(mul(x, -1), 1);
    }

    /** Each row of x [B, ...] repeated n times in a row: [B·n, ...], row i·n + k the copy k of row i. */
    public static Tensor repeatRows(Tensor x, long n) {
        long[] shape = x.shape();
        long[] wide = new long[shape.length + 1];
        wide[0] = shape[0];
        wide[1] = n;
        System.arraycopy(shape, 1, wide, 2, shape.length - 1);
        long[] flat = shape.clone();
        flat[0] = shape[0] * n;
        return x.unsqueeze(1).expand(wide).contiguous().reshape(flat);
    }

    public static Tensor cat(long dim, Tensor... parts) {
        return torch.cat(new TensorVector(parts), dim);
    }

    public static Tensor stack(long dim, Tensor... parts) {
        return torch.stack(new TensorVector(parts), dim);
    }

    // ----- activations ---------------------------------------------------------------------

    public static Tensor silu(Tensor x) {
        return torch.silu(x);
    }

    /** GELU with the exact erf form. */
    public static Tensor gelu(Tensor x) {
        return torch.gelu(x);
    }

    /** CLIP's quick GELU: x · sigmoid(1.702 x). */
    public static Tensor quickGelu(Tensor x) {
        return x.mul(torch.sigmoid(mul(x, 1.702)));
    }

    /** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return p > 0 && training ? torch.dropout(x, p, true) : x;
    }

    private static GeneratorOptional optional(Generator g) {
        return g == null ? new GeneratorOptional() : new GeneratorOptional(g);
    }

    private static Tensor onDevice(Tensor cpu) {
        org.bytedeco.pytorch.Device d = Engine.device();
        return d.is_cpu() ? cpu : cpu.to(d, cpu.scalar_type());
    }

    private static void checkCount(int length, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
    }

    /** Each row of x (the last dimension) scaled to unit L2 length, in float32. */
    public static Tensor normalize(Tensor x) {
        Tensor f = x.to(torch.ScalarType.Float);
        Tensor norm = torch.linalg_vector_norm(f, scalar(2), new long[] {-1}, true, new ScalarTypeOptional());
        return f.div(norm.clamp_min(scalar(1e-12)));
    }
}
