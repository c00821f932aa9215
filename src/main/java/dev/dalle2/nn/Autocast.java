package dev.dalle2.nn;

import org.bytedeco.pytorch.global.torch;

/**
 * bfloat16 mixed precision on the engine's device (the CPU by default) through libtorch's own autocast, as a try-with-resources
 * region: inside it, convolutions, linear layers and matmuls run in bf16 while weights, gradients
 * and the ops autocast keeps in fp32 stay fp32. Norm layers of this package compute in fp32 too.
 *
 * <pre>{@code try (Autocast a = Autocast.bf16(enabled)) { loss = model.forward(x) ... } }</pre>
 */
public final class Autocast implements AutoCloseable {
    static {
        Engine.start();
    }

    private final torch.DeviceType device;
    private final boolean previous;
    private final torch.ScalarType previousType;

    private Autocast(boolean enable) {
        device = Engine.device().type();
        previous = torch.is_autocast_enabled(device);
        previousType = torch.get_autocast_dtype(device);
        torch.set_autocast_dtype(device, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(device, enable);
        torch.increment_nesting();
    }

    /** Enters a bf16 autocast region when {@code enable} is true, a plain fp32 region otherwise. */
    public static Autocast bf16(boolean enable) {
        return new Autocast(enable);
    }

    /** Whether bf16 autocast is active on this thread for the engine's device. */
    public static boolean active() {
        return torch.is_autocast_enabled(Engine.device().type());
    }

    /**
     * Leaves the region. Leaving the outermost one clears autocast's cache of bf16 weight copies,
     * as PyTorch does; without that, later regions would keep computing with stale weights.
     */
    @Override
    public void close() {
        if (torch.decrement_nesting() == 0) {
            torch.clear_cache();
        }
        torch.set_autocast_enabled(device, previous);
        torch.set_autocast_dtype(device, previousType);
    }
}
