package dev.dalle2.serve;

import java.time.Duration;

/**
 * How {@link ImageServer} runs.
 *
 * @param host          address to bind (loopback by default, so nothing outside this machine reaches it)
 * @param port          TCP port; 0 picks a free one
 * @param queue         jobs that may wait for the model; beyond them a request gets 429
 * @param apiKey        the key every API request must send as {@code Authorization: Bearer KEY}, or null for none
 * @param corsOrigin    the one origin allowed to call the API from a browser page served elsewhere, or null (no CORS)
 * @param limits        per-request limits
 * @param fileTtl       how long the images of {@code url} responses stay downloadable
 * @param fileBytes     bytes those images may take in memory at most (the oldest go first)
 * @param shutdownGrace how long a shutdown lets the running job finish before cancelling it
 */
public record ServerOptions(String host, int port, int queue, String apiKey, String corsOrigin, Limits limits,
                            Duration fileTtl, long fileBytes, Duration shutdownGrace) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE = 16;
    public static final ServerOptions DEFAULT = new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_QUEUE, null, null,
            Limits.DEFAULT, Duration.ofHours(1), 256L << 20, Duration.ofSeconds(30));

    public ServerOptions withPort(int port) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }

    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }

    public ServerOptions withQueue(int queue) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }

    public ServerOptions withApiKey(String apiKey) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }

    public ServerOptions withCors(String corsOrigin) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }

    public ServerOptions withLimits(Limits limits) {
        return new ServerOptions(host, port, queue, apiKey, corsOrigin, limits, fileTtl, fileBytes, shutdownGrace);
    }
}
