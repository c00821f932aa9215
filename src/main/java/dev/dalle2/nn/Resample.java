package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Halves or doubles the resolution of a feature map, keeping its channels: down is a 3×3 conv with
 * stride 2, [B, C, H, W] → [B, C, H/2, W/2]; up is nearest-neighbour ×2 then a 3×3 conv,
 * [B, C, H, W] → [B, C, 2H, 2W] (ADM). Parameters {@code conv.*}.
 */
public final class Resample extends Module {
    private final boolean up;
    private final Conv2d conv;

    private Resample(long channels, boolean up) {
        this.up = up;
        this.conv = child("conv", up ? new Conv2d(channels, channels, 3) : new Conv2d(channels, channels, 3, 2, 1));
    }

    public static Resample down(long channels) {
        return new Resample(channels, false);
    }

    public static Resample up(long channels) {
        return new Resample(channels, true);
    }

    public Tensor forward(Tensor x) {
        if (!up) {
            return conv.forward(x);
        }
        return conv.forward(torch.upsample_nearest2d(x, 2 * x.size(2), 2 * x.size(3)));
    }
}
