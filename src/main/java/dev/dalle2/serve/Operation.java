package dev.dalle2.serve;

/** What a request asks of the model; {@link #path} is its last path segment under {@code /v1/images/} and {@code /api/jobs/}. */
public enum Operation {
    /** Images from a prompt (OpenAI's create image). */
    GENERATIONS("generations"),
    /** Images like an uploaded one (OpenAI's create image variation). */
    VARIATIONS("variations"),
    /** An uploaded image repainted where a mask is transparent, from a prompt (OpenAI's create image edit). */
    EDITS("edits"),
    /** Frames along the path between the CLIP embeddings of two uploaded images (this server's own). */
    INTERPOLATIONS("interpolations");

    private final String path;

    Operation(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** Whether the model's prior runs (it samples image embeddings for a prompt). */
    boolean usesPrior() {
        return this == GENERATIONS || this == EDITS;
    }
}
