package dev.dalle2.pipeline;

import java.util.List;

/**
 * How an inpainting is made.
 *
 * @param method      {@code repaint}: training-free, any decoder keeps the known pixels at every step (RePaint);
 *                    {@code decoder}: the model folder's inpainting decoder ({@code decoder-inpaint/}, GLIDE-style: it
 *                    sees the known image and the mask as input); null: the inpainting decoder when the folder has one,
 *                    else RePaint
 * @param resamplings RePaint's resamplings per step (0 = plain replacement), at the decoder's resolution with
 *                    {@code repaint} and at the upsampler's in both cases
 */
public record Inpainting(String method, int resamplings) {
    /** The methods by name. */
    public static final List<String> METHODS = List.of("repaint", "decoder");
    /** The folder's choice, no resampling. */
    public static final Inpainting DEFAULT = new Inpainting(null, 0);

    public Inpainting {
        if (method != null && !METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown inpainting method '" + method + "' (use repaint or decoder)");
        }
        if (resamplings < 0) {
            throw new IllegalArgumentException("resamplings cannot be negative, got " + resamplings);
        }
    }

    /** Whether to use an inpainting decoder, given whether the model folder has one. */
    public boolean usesDecoder(boolean available) {
        return method == null ? available : method.equals("decoder");
    }
}
