package dev.dalle2.serve;

import java.awt.image.BufferedImage;

/**
 * One checked request: everything the model needs, nothing that names a file.
 *
 * @param operation      what to do
 * @param prompt         the text (generations and edits), else null
 * @param n              images to make (frames for an interpolation)
 * @param size           side in pixels of the images returned: the model's own, or larger (scaled up)
 * @param base64         whether the images come back inline ({@code b64_json}) rather than as URLs
 * @param seed           the seed of the request's noise
 * @param steps          decoder and upsampler steps, 0 for the model's
 * @param guidance       decoder guidance scale, NaN for the model's
 * @param image          the uploaded image (variations, edits, interpolations), else null
 * @param image2         the second image of an interpolation, else null
 * @param repaint        for edits: true where to repaint, row by row at {@code image}'s size; else null
 */
public record ImageRequest(Operation operation, String prompt, int n, int size, boolean base64, long seed, int steps,
                           double guidance, BufferedImage image, BufferedImage image2, boolean[] repaint) {}
