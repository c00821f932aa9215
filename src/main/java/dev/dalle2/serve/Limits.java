package dev.dalle2.serve;

/**
 * Per-request limits, checked before any decoding or sampling.
 *
 * @param promptChars  characters a prompt may have
 * @param images       images one request may ask for ({@code n})
 * @param steps        decoder and upsampler sampling steps a request may ask for
 * @param uploadBytes  bytes an uploaded image or mask may have
 * @param uploadSide   pixels an uploaded image may have along either side, read from its header before it is decoded
 * @param frames       frames an interpolation may have
 */
public record Limits(int promptChars, int images, int steps, int uploadBytes, int uploadSide, int frames) {
    /** OpenAI's limits for prompts, n and uploads, and this server's for the rest. */
    public static final Limits DEFAULT = new Limits(1000, 8, 250, 4 * 1024 * 1024, 4096, 16);
}
