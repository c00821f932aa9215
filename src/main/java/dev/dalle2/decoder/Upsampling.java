package dev.dalle2.decoder;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The image operations around an upsampler: making the low-resolution input from a
 * high-resolution image ([B, 3, S, S] → [B, 3, S/2, S/2], 2×2 average), the paper's corruption of
 * that input during training (Gaussian blur, kernel 3, σ 0.6, on a random half of the batch), and
 * the bilinear upsampling that feeds it to the U-Net ([B, 3, s, s] → [B, 3, 2s, 2s]).
 */
public final class Upsampling {
    private static final double BLUR_SIGMA = 0.6;

    private Upsampling() {}

    public static Tensor downsample(Tensor images) {
        return Ops.avgPool2d(images, 2);
    }

    public static Tensor upsample(Tensor lowRes) {
        return torch.upsample_bilinear2d(lowRes, new long[] {2 * lowRes.size(2), 2 * lowRes.size(3)}, false);
    }

    /** Blurs each image of [B, 3, s, s] with probability {@code p} (reflect padding keeps the edges). */
    public static Tensor randomBlur(Tensor images, double p, Generator g) {
        Tensor blurred = blur(images);
        Tensor pick = Ops.rand(g, images.size(0), 1, 1, 1).lt(Ops.scalar(p));
        return torch.where(pick, blurred, images);
    }

    /** Gaussian blur with a 3×3 kernel of σ 0.6, per channel. */
    private static Tensor blur(Tensor images) {
        double side = Math.exp(-1 / (2 * BLUR_SIGMA * BLUR_SIGMA));
        double norm = 1 + 2 * side;
        float[] k1 = {(float) (side / norm), (float) (1 / norm), (float) (side / norm)};
        float[] k = new float[27];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    k[c * 9 + i * 3 + j] = k1[i] * k1[j];
                }
            }
        }
        return Ops.conv2d(Ops.reflectPad(images, 1), Ops.tensor(k, 3, 1, 3, 3), 3);
    }
}
