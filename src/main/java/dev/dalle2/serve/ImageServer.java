package dev.dalle2.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.pipeline.Pipeline;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.javalin.http.staticfiles.Location;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code dalle2 serve}: the model behind an HTTP server (Javalin on Jetty). It serves
 * <ul>
 *   <li>OpenAI's images API: {@code POST /v1/images/generations} (JSON), {@code /v1/images/variations} and
 *       {@code /v1/images/edits} (multipart), with their request fields and response shapes, plus this server's
 *       {@code /v1/images/interpolations}; {@code url} responses point at {@code GET /v1/files/NAME};</li>
 *   <li>the same four as jobs for the web page, {@code POST /api/jobs/OPERATION} → 202 with a job id, whose
 *       progress and result stream from {@code GET /api/jobs/ID/events} (server-sent events; closing the stream
 *       cancels the job), and {@code GET /api/info};</li>
 *   <li>{@code GET /health}, {@code GET /metrics} (Prometheus), {@code GET /openapi.json}, and the page at {@code /}.</li>
 * </ul>
 * Requests are checked ({@link RequestParser}) before they are queued ({@link JobQueue}); errors have OpenAI's shape
 * ({@link ApiException}). The model is used only through {@link Pipeline}, by the queue's one worker thread.
 */
public final class ImageServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ImageServer.class.getName());
    /** How often an event stream hears from the server (a ping, or the job's place in the queue). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** How long a job submitted by {@code POST /api/jobs} waits for its event stream before it is cancelled. */
    static final Duration UNWATCHED = Duration.ofSeconds(30);
    private static final String WEB = "/dev/dalle2/serve/web";

    private final ObjectMapper json = new ObjectMapper();
    private final ServerOptions options;
    private final Pipeline pipeline;
    private final RequestParser parser;
    private final ServerMetrics metrics = new ServerMetrics();
    private final FileStore files;
    private final JobQueue queue;
    /** The page's jobs by id, kept until a while after they end. */
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Event streams open now, by job id. */
    private final Map<String, SseClient> watched = new ConcurrentHashMap<>();
    /** The base URL each page job's {@code url} images are given under. */
    private final Map<String, String> bases = new ConcurrentHashMap<>();
    /** The connection checks of the requests waiting for the model now (see {@link #onDisconnect}). */
    private final Set<Runnable> probes = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dalle2-serve-timer");
        t.setDaemon(true);
        return t;
    });
    private final byte[] keyHash;
    private final Javalin app;
    private volatile boolean closed;

    private ImageServer(Pipeline pipeline, ServerOptions options) {
        this.options = options;
        this.pipeline = pipeline;
        this.parser = new RequestParser(options.limits(), pipeline.imageSize());
        this.files = new FileStore(options.fileTtl(), options.fileBytes(), Clock.systemUTC());
        this.keyHash = options.apiKey() == null ? null : sha256(options.apiKey());
        this.queue = new JobQueue(new Renderer(pipeline), options.queue(), metrics);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.http.maxRequestSize = 1 << 20; // JSON bodies; uploads are multipart, limited below
            config.http.asyncTimeout = 0; // a job may wait long in the queue; the client decides when to give up
            long upload = options.limits().uploadBytes();
            config.jetty.multipartConfig.maxFileSize(upload + (1 << 20), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, upload + (1 << 20)), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(3 * upload + (1 << 20), SizeUnit.BYTES);
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = WEB;
                files.location = Location.CLASSPATH;
            });
            if (options.corsOrigin() != null) {
                config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.allowHost(options.corsOrigin())));
            }
            config.requestLogger.http((ctx, ms) -> countRequest(ctx));
            config.routes.before(this::authorize);
            config.routes.get("/health", this::health);
            config.routes.get("/metrics", ctx -> ctx.contentType(ServerMetrics.contentType()).result(metrics.text()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/dev/dalle2/serve/openapi.json")));
            config.routes.get("/api/info", this::info);
            config.routes.get("/v1/files/{name}", this::file);
            for (Operation op : Operation.values()) {
                config.routes.post("/v1/images/" + op.path(), ctx -> respond(ctx, op));
                config.routes.post("/api/jobs/" + op.path(), ctx -> submitJob(ctx, op));
            }
            config.routes.get("/api/jobs/{id}/events", this::events);
            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiException(e.getStatus(),
                    e.getStatus() >= 500 ? "server_error" : ApiException.INVALID_REQUEST, e.getMessage(), null, null, 0)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.SEVERE, ctx.method() + " " + ctx.path() + " failed", e);
                error(ctx, new ApiException(500, "server_error", "internal error: " + e.getMessage(), null, null, 0));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !"application/json".equals(ctx.contentType())) {
                    error(ctx, new ApiException(404, ApiException.INVALID_REQUEST, "Invalid URL (" + ctx.method() + " "
                            + ctx.path() + ")", null, "unknown_url", 0));
                }
            });
            config.jetty.modifyServer(server -> server.setStopTimeout(5000));
        });
    }

    /** Starts a server for {@code pipeline}; a port in use or an address that cannot be bound is an error naming it. */
    public static ImageServer start(Pipeline pipeline, ServerOptions options) {
        ImageServer server = new ImageServer(pipeline, options);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.queue.close(Duration.ZERO);
            server.timer.shutdownNow();
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + rootMessage(e), e);
        }
        server.timer.scheduleAtFixedRate(server::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        return server;
    }

    /** The port the server listens on (the one picked when the options asked for 0). */
    public int port() {
        return app.port();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port();
    }

    /**
     * Shuts down: new jobs get 503, waiting jobs are cancelled (503), the running job gets the options' grace period
     * to finish, then the server stops (responses under way are given a few seconds to go out).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.close(options.shutdownGrace());
        timer.shutdownNow();
        app.stop();
    }

    // ---- routes ----

    private void health(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("status", closed ? "stopping" : "ok");
        body.put("model", pipeline.dir().getFileName().toString());
        body.put("queue", queue.waiting());
        ctx.status(closed ? 503 : 200).contentType("application/json").result(body.toString());
    }

    private void info(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("model", pipeline.dir().getFileName().toString());
        body.put("size", pipeline.imageSize());
        ArrayNode sizes = body.putArray("sizes");
        parser.sizes().forEach(sizes::add);
        ObjectNode defaults = body.putObject("defaults");
        defaults.put("steps", pipeline.decoderSampling().steps());
        defaults.put("guidance", pipeline.decoderSampling().guidance());
        Limits l = options.limits();
        ObjectNode limits = body.putObject("limits");
        limits.put("n", l.images());
        limits.put("steps", l.steps());
        limits.put("prompt", l.promptChars());
        limits.put("upload_bytes", l.uploadBytes());
        limits.put("frames", l.frames());
        body.put("auth", keyHash != null);
        ctx.contentType("application/json").result(body.toString());
    }

    private void file(Context ctx) {
        byte[] png = files.get(ctx.pathParam("name"));
        if (png == null) {
            throw new ApiException(404, ApiException.INVALID_REQUEST, "no such file (files expire after "
                    + options.fileTtl().toMinutes() + " minutes)", null, "file_not_found", 0);
        }
        ctx.contentType("image/png").header("Cache-Control", "private, max-age=" + options.fileTtl().toSeconds()).result(png);
    }

    /** The OpenAI route: queues the job and answers when it is done; a client that goes away cancels it. */
    private void respond(Context ctx, Operation op) {
        ImageRequest request = parse(ctx, op);
        Job job = queue.submit(request);
        onDisconnect(ctx, () -> queue.cancel(job));
        String base = baseUrl(ctx);
        ctx.future(() -> job.result().handle((pngs, failure) -> {
            if (failure != null) {
                error(ctx, apiError(failure));
            } else {
                ctx.contentType("application/json").result(imagesResponse(pngs, request.base64(), base).toString());
            }
            return null;
        }));
    }

    /** The page's route: queues the job and answers 202 with its id and event stream at once. */
    private void submitJob(Context ctx, Operation op) {
        ImageRequest request = parse(ctx, op);
        Job job = queue.submit(request);
        jobs.put(job.id(), job);
        String base = baseUrl(ctx);
        job.result().whenComplete((r, e) -> timer.schedule(() -> jobs.remove(job.id()), UNWATCHED.toMillis(), TimeUnit.MILLISECONDS));
        timer.schedule(() -> {
            if (!watched.containsKey(job.id()) && !job.result().isDone()) {
                queue.cancel(job);
            }
        }, UNWATCHED.toMillis(), TimeUnit.MILLISECONDS);
        bases.put(job.id(), base);
        ObjectNode body = json.createObjectNode();
        body.put("id", job.id());
        body.put("events", "/api/jobs/" + job.id() + "/events");
        ctx.status(202).contentType("application/json").result(body.toString());
    }

    /** A job's server-sent events: queued, progress, then done or error; the stream closing cancels the job. */
    private void events(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        Job job = jobs.get(id);
        if (job == null) {
            throw new ApiException(404, ApiException.INVALID_REQUEST, "no such job: " + id, null, "job_not_found", 0);
        }
        if (!String.valueOf(ctx.header("Accept")).contains("text/event-stream")) {
            throw new ApiException(406, ApiException.INVALID_REQUEST, "this is an event stream: send 'Accept: text/event-stream'",
                    null, "not_acceptable", 0);
        }
        new SseHandler(client -> {
            client.keepAlive();
            if (watched.putIfAbsent(id, client) != null) {
                send(client, "error", new ApiException(409, ApiException.INVALID_REQUEST, "this job already has an event stream",
                        null, "already_watched", 0).body(json));
                client.close();
                return;
            }
            client.onClose(() -> {
                watched.remove(id, client);
                if (!job.result().isDone()) {
                    queue.cancel(job);
                }
            });
            int position = queue.position(job);
            if (position > 0) {
                send(client, "queued", "{\"position\":" + position + "}");
            }
            job.listen(p -> send(client, "progress", progressJson(p)));
            job.result().whenComplete((pngs, failure) -> {
                job.listen(null);
                if (failure != null) {
                    send(client, "error", apiError(failure).body(json));
                } else {
                    send(client, "done", imagesResponse(pngs, job.request().base64(), bases.getOrDefault(id, url())).toString());
                }
                bases.remove(id);
                synchronized (client) {
                    client.close();
                }
            });
        }).handle(ctx);
    }

    /** Every second, each open event stream hears its job's place in the queue, or a ping; waiting requests are probed. */
    private void heartbeat() {
        probes.forEach(Runnable::run);
        for (Map.Entry<String, SseClient> e : watched.entrySet()) {
            Job job = jobs.get(e.getKey());
            int position = job == null ? 0 : queue.position(job);
            if (position > 0) {
                send(e.getValue(), "queued", "{\"position\":" + position + "}");
            } else {
                synchronized (e.getValue()) {
                    e.getValue().sendComment("ping");
                }
            }
        }
    }

    private static void send(SseClient client, String event, String data) {
        synchronized (client) {
            client.sendEvent(event, data);
        }
    }

    private String progressJson(Job.Progress p) {
        ObjectNode body = json.createObjectNode();
        body.put("stage", p.stage());
        body.put("step", p.step());
        body.put("total", p.total());
        body.put("fraction", Math.round(p.fraction() * 1000) / 1000.0);
        return body.toString();
    }

    // ---- request and response bodies ----

    /** The request's fields, from JSON or a multipart form, checked. */
    private ImageRequest parse(Context ctx, Operation op) {
        String type = String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            return parser.parse(op, formFields(ctx));
        }
        if (op != Operation.GENERATIONS) {
            throw ApiException.invalid(null, "this endpoint takes multipart/form-data (with the image as a file), got "
                    + (ctx.contentType() == null ? "no content type" : ctx.contentType()));
        }
        JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw ApiException.invalid(null, "We could not parse the JSON body of your request: " + firstLine(e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        return parser.parse(op, Fields.json(body));
    }

    private Fields formFields(Context ctx) {
        Map<String, String> texts = new HashMap<>();
        Map<String, Fields.Upload> uploads = new HashMap<>();
        try {
            for (Map.Entry<String, List<String>> e : ctx.formParamMap().entrySet()) {
                if (!e.getValue().isEmpty()) {
                    texts.put(e.getKey(), e.getValue().get(0));
                }
            }
            for (Map.Entry<String, List<UploadedFile>> e : ctx.uploadedFileMap().entrySet()) {
                if (!e.getValue().isEmpty()) {
                    UploadedFile f = e.getValue().get(0);
                    uploads.put(e.getKey(), new Fields.Upload() {
                        @Override
                        public long size() {
                            return f.size();
                        }

                        @Override
                        public byte[] bytes() {
                            try (InputStream in = f.content()) {
                                return in.readAllBytes();
                            } catch (IOException ex) {
                                throw new UncheckedIOException(ex);
                            }
                        }
                    });
                    texts.remove(e.getKey());
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            String message = rootMessage(e);
            boolean tooLarge = message.toLowerCase(Locale.ROOT).contains("exceed") || message.toLowerCase(Locale.ROOT).contains("too large");
            throw new ApiException(tooLarge ? 413 : 400, ApiException.INVALID_REQUEST, (tooLarge
                    ? "the upload is too large (at most " + options.limits().uploadBytes() / (1024 * 1024) + " MB a file): "
                    : "the multipart form could not be read: ") + message, null, null, 0);
        }
        return Fields.form(texts, uploads);
    }

    /** OpenAI's images response: {@code created} and one {@code data} item per image, inline or as a URL. */
    private ObjectNode imagesResponse(List<byte[]> pngs, boolean base64, String base) {
        ObjectNode body = json.createObjectNode();
        body.put("created", System.currentTimeMillis() / 1000);
        ArrayNode data = body.putArray("data");
        for (byte[] png : pngs) {
            ObjectNode item = data.addObject();
            if (base64) {
                item.put("b64_json", Base64.getEncoder().encodeToString(png));
            } else {
                item.put("url", base + "/v1/files/" + files.put(png));
            }
        }
        return body;
    }

    private String baseUrl(Context ctx) {
        String host = ctx.host();
        return host == null || host.isBlank() ? url() : ctx.scheme() + "://" + host;
    }

    private void error(Context ctx, ApiException e) {
        if (e.retryAfter() > 0) {
            ctx.header("Retry-After", Integer.toString(e.retryAfter()));
        }
        ctx.status(e.status()).contentType("application/json").result(e.body(json));
    }

    /** The API error a job's failure is reported as. */
    private static ApiException apiError(Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof CancellationException) {
            return new ApiException(503, "server_error", "the job was cancelled", null, "cancelled", 0);
        }
        return new ApiException(500, "server_error", "internal error: " + e.getMessage(), null, null, 0);
    }

    // ---- cross-cutting: key, metrics, disconnects ----

    /** With a key set, every API route but {@code /api/info} needs {@code Authorization: Bearer KEY} (compared in constant time). */
    private void authorize(Context ctx) {
        String path = ctx.path();
        boolean api = path.startsWith("/v1/images/") || path.startsWith("/api/jobs") || path.equals("/metrics");
        if (keyHash == null || !api || ctx.method().name().equals("OPTIONS")) {
            return;
        }
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(sha256(given), keyHash)) {
            throw new ApiException(401, ApiException.INVALID_REQUEST, header == null
                    ? "You didn't provide an API key: send it as 'Authorization: Bearer KEY'"
                    : "Incorrect API key provided", null, "invalid_api_key", 0);
        }
    }

    private void countRequest(Context ctx) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException e) {
            route = "other";
        }
        int status = ctx.statusCode();
        metrics.requests.labelValues(route, Integer.toString(status)).inc();
        if (status >= 400) {
            metrics.errors.labelValues(status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : ApiException.INVALID_REQUEST).inc();
        }
    }

    /**
     * Runs {@code cancel} when the client goes away before its response is sent. Jetty tells of a failed or closed
     * connection only once it reads or writes, and over HTTP/1 it does neither while a request waits for the model;
     * so every heartbeat polls the connection: a non-blocking read of one byte that returns end-of-stream means the
     * client has closed it. (A byte that is there belongs to a pipelined next request; such a connection is closed after
     * this response, so that the byte taken is not mistaken for the start of one. Clients that pipeline POSTs are rare.)
     */
    private void onDisconnect(Context ctx, Runnable cancel) {
        Request request;
        try {
            request = ServletContextRequest.getServletContextRequest(ctx.req());
        } catch (RuntimeException e) {
            return;
        }
        if (request == null) {
            return;
        }
        request.addFailureListener(failure -> cancel.run());
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        Runnable probe = () -> {
            try {
                ByteBuffer one = BufferUtil.allocate(1);
                int read = endPoint.fill(one);
                if (read < 0) {
                    cancel.run();
                } else if (read > 0) {
                    ctx.header("Connection", "close");
                }
            } catch (IOException | RuntimeException e) {
                cancel.run();
            }
        };
        probes.add(probe);
        Request.addCompletionListener(request, done -> probes.remove(probe));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ImageServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String text) {
        String s = String.valueOf(text);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return firstLine(t.getMessage() != null ? t.getMessage() : t.toString());
    }
}
