package dev.dalle2.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dalle2.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP server against the shipped shapes model on a free loopback port: every route, the limits and bad inputs
 * with OpenAI's error shape, OpenAI's response shapes (against the fields their documentation lists), the queue's
 * 429, cancelling on disconnect, the event stream, the API key, CORS and shutdown.
 */
class ImageServerTest {
    static Pipeline pipeline;
    static ImageServer server;
    static ApiClient api;
    /** The fields OpenAI's documentation lists for its images responses and errors (a copy, see the file). */
    static final JsonNode documented = documented();

    @BeforeAll
    static void start() throws IOException {
        pipeline = Pipeline.load(Path.of("models/shapes"));
        server = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0));
        api = new ApiClient(server.url(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- OpenAI's routes and shapes ----

    @Test
    void generationsAnswerWithOpenAisShapeInlineAndAsUrls() throws Exception {
        ApiClient.Reply inline = api.postJson("/v1/images/generations",
                "{\"prompt\": \"a red circle\", \"n\": 2, \"steps\": 3, \"response_format\": \"b64_json\", \"model\": \"dall-e-2\", \"user\": \"x\", \"unknown\": [1]}");
        assertEquals(200, inline.status(), inline.text());
        assertImagesShape(inline.json(), 2, "b64_json");
        for (BufferedImage image : api.images(inline.json())) {
            assertEquals(pipeline.imageSize(), image.getWidth());
        }
        ApiClient.Reply urls = api.postJson("/v1/images/generations", "{\"prompt\": \"a red circle\", \"steps\": 3, \"size\": \"256x256\"}");
        assertEquals(200, urls.status(), urls.text());
        assertImagesShape(urls.json(), 1, "url");
        String url = urls.json().get("data").get(0).get("url").asText();
        assertTrue(url.matches("http://[^/]+/v1/files/[0-9a-f]{32}\\.png"), url);
        assertEquals(256, api.images(urls.json()).get(0).getWidth());
    }

    @Test
    void theSameSeedGivesTheSameImages() throws Exception {
        String body = "{\"prompt\": \"a blue square\", \"seed\": 11, \"steps\": 3, \"response_format\": \"b64_json\"}";
        JsonNode a = api.postJson("/v1/images/generations", body).json();
        JsonNode b = api.postJson("/v1/images/generations", body).json();
        assertEquals(a.get("data"), b.get("data"));
    }

    @Test
    void variationsEditsAndInterpolationsTakeMultipartUploads() throws Exception {
        BufferedImage input = picture();
        ApiClient.Reply vary = api.postForm("/v1/images/variations", form("image", ApiClient.png(input), "n", 2, "steps", 3,
                "response_format", "b64_json"));
        assertEquals(200, vary.status(), vary.text());
        assertImagesShape(vary.json(), 2, "b64_json");

        ApiClient.Reply frames = api.postForm("/v1/images/interpolations", form("image", ApiClient.png(input),
                "image2", ApiClient.png(picture(Color.BLUE)), "frames", 3, "steps", 3, "response_format", "b64_json"));
        assertEquals(200, frames.status(), frames.text());
        assertImagesShape(frames.json(), 3, "b64_json");

        // OpenAI's edit: the mask's fully transparent pixels (here the left half) are repainted, the rest kept exactly
        BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 32; x < 64; x++) {
                mask.setRGB(x, y, 0xff000000);
            }
        }
        ApiClient.Reply edit = api.postForm("/v1/images/edits", form("image", ApiClient.png(input), "mask", ApiClient.png(mask),
                "prompt", "a green triangle", "steps", 3, "response_format", "b64_json"));
        assertEquals(200, edit.status(), edit.text());
        assertImagesShape(edit.json(), 1, "b64_json");
        BufferedImage out = api.images(edit.json()).get(0);
        int changed = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                if (x >= 32) {
                    assertEquals(input.getRGB(x, y), out.getRGB(x, y), "kept pixel " + x + "," + y);
                } else if (input.getRGB(x, y) != out.getRGB(x, y)) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 100, "the masked half was repainted (" + changed + " pixels changed)");
    }

    @Test
    void everyBadInputIsA400NamingItsField() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"n\": 1}", "prompt");
        bad.put("{\"prompt\": \"\"}", "prompt");
        bad.put("{\"prompt\": 7}", "prompt");
        bad.put("{\"prompt\": \"" + "a".repeat(1001) + "\"}", "prompt");
        bad.put("{\"prompt\": \"x\", \"n\": 0}", "n");
        bad.put("{\"prompt\": \"x\", \"n\": 9}", "n");
        bad.put("{\"prompt\": \"x\", \"n\": \"4\"}", "n");
        bad.put("{\"prompt\": \"x\", \"n\": 1.5}", "n");
        bad.put("{\"prompt\": \"x\", \"steps\": 251}", "steps");
        bad.put("{\"prompt\": \"x\", \"steps\": 1}", "steps");
        bad.put("{\"prompt\": \"x\", \"guidance\": -1}", "guidance");
        bad.put("{\"prompt\": \"x\", \"guidance\": \"high\"}", "guidance");
        bad.put("{\"prompt\": \"x\", \"size\": \"100x100\"}", "size");
        bad.put("{\"prompt\": \"x\", \"response_format\": \"jpeg\"}", "response_format");
        bad.put("{\"prompt\": \"x\", \"seed\": 1e400}", "seed");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            ApiClient.Reply r = api.postJson("/v1/images/generations", b.getKey());
            assertEquals(400, r.status(), b.getKey() + " → " + r.text());
            assertErrorShape(r.json());
            assertEquals(b.getValue(), r.json().get("error").get("param").asText(), b.getKey());
        }
        for (String body : List.of("{bad json", "[1, 2]", "", "null")) {
            ApiClient.Reply r = api.postJson("/v1/images/generations", body);
            assertEquals(400, r.status(), body + " → " + r.text());
            assertErrorShape(r.json());
        }
        ApiClient.Reply sizeCode = api.postJson("/v1/images/generations", "{\"prompt\": \"x\", \"size\": \"100x100\"}");
        assertEquals("invalid_size", sizeCode.json().get("error").get("code").asText());
    }

    @Test
    void badUploadsAre400sCheckedBeforeDecoding() throws Exception {
        byte[] good = ApiClient.png(picture());
        assertUploadRejected(form("n", 1), "image", null); // missing
        assertUploadRejected(form("image", "plain text, not a file"), "image", null);
        assertUploadRejected(form("image", "GIF89a not a png".getBytes(StandardCharsets.US_ASCII)), "image", "invalid_image_format");
        byte[] truncated = java.util.Arrays.copyOf(good, 40);
        assertUploadRejected(form("image", truncated), "image", "invalid_image");
        byte[] huge = java.util.Arrays.copyOf(good, Limits.DEFAULT.uploadBytes() + 1);
        assertUploadRejected(form("image", huge), "image", null);
        assertUploadRejected(form("image", claimsSize(good, 60000, 60000)), "image", "image_too_large");

        // edits: a mask of another size, without transparency, or with nothing transparent; an image without alpha and no mask
        BufferedImage clear = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        assertEditRejected(form("image", good, "mask", ApiClient.png(clear), "prompt", "x"), "mask", "same size");
        assertEditRejected(form("image", good, "mask", good, "prompt", "x"), "mask", "no transparency");
        BufferedImage opaque = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = opaque.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        assertEditRejected(form("image", good, "mask", ApiClient.png(opaque), "prompt", "x"), "mask", "nothing to edit");
        assertEditRejected(form("image", good, "prompt", "x"), "image", "no transparency");
        assertEditRejected(form("image", good, "mask", ApiClient.png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB))), "prompt", "required");

        ApiClient.Reply json = api.postJson("/v1/images/variations", "{\"image\": \"x\"}");
        assertEquals(400, json.status());
        assertTrue(json.json().get("error").get("message").asText().contains("multipart/form-data"));
    }

    @Test
    void otherRoutesAnswer() throws Exception {
        ApiClient.Reply health = api.get("/health");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        ApiClient.Reply info = api.get("/api/info");
        assertEquals(64, info.json().get("size").asInt());
        assertEquals(8, info.json().get("limits").get("n").asInt());
        assertFalse(info.json().get("auth").asBoolean());
        ApiClient.Reply missing = api.get("/v1/nothing");
        assertEquals(404, missing.status());
        assertErrorShape(missing.json());
        for (String name : List.of("0123456789abcdef0123456789abcdef.png", "..%2F..%2Fpom.xml", "pom.xml")) {
            ApiClient.Reply f = api.get("/v1/files/" + name);
            assertEquals(404, f.status(), name);
        }
        ApiClient.Reply page = api.get("/");
        assertEquals(200, page.status());
        assertTrue(page.text().toLowerCase().contains("<html") || page.text().toLowerCase().contains("<!doctype html"));
    }

    @Test
    void theOpenApiDescriptionListsEveryRoute() throws Exception {
        ApiClient.Reply r = api.get("/openapi.json");
        assertEquals(200, r.status());
        JsonNode paths = r.json().get("paths");
        assertNotNull(paths, "openapi.json has paths");
        for (String path : List.of("/v1/images/generations", "/v1/images/variations", "/v1/images/edits",
                "/v1/images/interpolations", "/v1/files/{name}", "/api/jobs/generations", "/api/jobs/variations",
                "/api/jobs/edits", "/api/jobs/interpolations", "/api/jobs/{id}/events", "/api/info", "/health", "/metrics")) {
            assertTrue(paths.has(path), "openapi.json describes " + path);
        }
    }

    @Test
    void metricsCountRequestsImagesAndErrors() throws Exception {
        double images = metric("dalle2_images_generated_total");
        double errors = metric("dalle2_errors_total{type=\"invalid_request_error\"}");
        api.postJson("/v1/images/generations", "{\"prompt\": \"a red circle\", \"n\": 2, \"steps\": 2}");
        api.postJson("/v1/images/generations", "{\"n\": 2}");
        assertEquals(images + 2, metric("dalle2_images_generated_total"));
        assertEquals(errors + 1, metric("dalle2_errors_total{type=\"invalid_request_error\"}"));
        assertTrue(metric("dalle2_http_requests_total{route=\"/v1/images/generations\",status=\"200\"}") >= 1);
        assertTrue(metric("dalle2_job_seconds_count") >= 1);
        assertEquals(0, metric("dalle2_queue_length"));
    }

    // ---- the page's jobs and their event stream ----

    @Test
    void aJobStreamsItsProgressThenItsImages() throws Exception {
        ApiClient.Reply submitted = api.postJson("/api/jobs/generations", "{\"prompt\": \"a red circle\", \"n\": 2, \"steps\": 4, \"response_format\": \"b64_json\"}");
        assertEquals(202, submitted.status(), submitted.text());
        List<String[]> events = events(submitted.json().get("events").asText());
        List<Double> fractions = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        for (String[] e : events) {
            if (e[0].equals("progress")) {
                JsonNode p = ApiClient.JSON.readTree(e[1]);
                fractions.add(p.get("fraction").asDouble());
                if (!stages.contains(p.get("stage").asText())) {
                    stages.add(p.get("stage").asText());
                }
            }
        }
        assertEquals(List.of("prior", "decoder", "upsampler"), stages);
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress only goes forward: " + fractions);
        }
        assertEquals(1.0, fractions.get(fractions.size() - 1), 1e-9);
        String[] last = events.get(events.size() - 1);
        assertEquals("done", last[0]);
        assertImagesShape(ApiClient.JSON.readTree(last[1]), 2, "b64_json");
        assertEquals(404, api.get("/api/jobs/j-000/events").status());
    }

    @Test
    void aBadJobIsRefusedAtOnce() throws Exception {
        ApiClient.Reply r = api.postJson("/api/jobs/generations", "{\"prompt\": \"x\", \"n\": 99}");
        assertEquals(400, r.status());
        assertEquals("n", r.json().get("error").get("param").asText());
    }

    // ---- load and safety ----

    @Test
    void aFullQueueAnswers429AndClientsThatLeaveFreeTheirPlace() throws Exception {
        try (ImageServer small = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0).withQueue(1))) {
            ApiClient client = new ApiClient(small.url(), null);
            String slow = "{\"prompt\": \"a red circle\", \"n\": 8, \"steps\": 250}";
            try (Socket running = openRequest(small, slow)) {
                await(() -> metric(client, "dalle2_jobs_running") == 1, "the first job runs");
                try (Socket waiting = openRequest(small, slow)) {
                    await(() -> metric(client, "dalle2_queue_length") == 1, "the second job waits");
                    ApiClient.Reply refused = client.postJson("/v1/images/generations", slow);
                    assertEquals(429, refused.status(), refused.text());
                    assertErrorShape(refused.json());
                    assertEquals("queue_full", refused.json().get("error").get("code").asText());
                    assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
                }
                await(() -> metric(client, "dalle2_queue_length") == 0, "the waiting job left when its client did");
            }
            await(() -> metric(client, "dalle2_jobs_running") == 0, "the running job stopped when its client left");
            assertEquals(2, metric(client, "dalle2_jobs_total{outcome=\"cancelled\"}"));
            assertEquals(1, metric(client, "dalle2_jobs_total{outcome=\"rejected\"}"));
            assertEquals(200, client.postJson("/v1/images/generations", "{\"prompt\": \"a red circle\", \"steps\": 2}").status());
        }
    }

    @Test
    void anApiKeyIsRequiredWhenSet() throws Exception {
        try (ImageServer keyed = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0).withApiKey("s3cret"))) {
            ApiClient none = new ApiClient(keyed.url(), null);
            ApiClient wrong = new ApiClient(keyed.url(), "s3cret-not");
            ApiClient right = new ApiClient(keyed.url(), "s3cret");
            for (ApiClient c : List.of(none, wrong)) {
                ApiClient.Reply r = c.postJson("/v1/images/generations", "{\"prompt\": \"x\"}");
                assertEquals(401, r.status());
                assertErrorShape(r.json());
                assertEquals("invalid_api_key", r.json().get("error").get("code").asText());
                assertEquals(401, c.get("/metrics").status());
                assertEquals(401, c.postJson("/api/jobs/generations", "{\"prompt\": \"x\"}").status());
            }
            assertEquals(200, none.get("/health").status());
            assertTrue(none.get("/api/info").json().get("auth").asBoolean());
            assertEquals(200, right.get("/metrics").status());
            assertEquals(400, right.postJson("/v1/images/generations", "{\"n\": 1}").status(), "with the key the request is read");
        }
    }

    @Test
    void corsIsOffUnlessAnOriginIsGiven() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/health")).header("Origin", "https://example.org");
        assertNull(http.send(request.build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        try (ImageServer open = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0).withCors("https://example.org"))) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(open.url() + "/health")).header("Origin", "https://example.org").build();
            assertEquals("https://example.org", http.send(r, HttpResponse.BodyHandlers.discarding()).headers()
                    .firstValue("Access-Control-Allow-Origin").orElse(null));
            HttpRequest other = HttpRequest.newBuilder(URI.create(open.url() + "/health")).header("Origin", "https://evil.example").build();
            assertNull(http.send(other, HttpResponse.BodyHandlers.discarding()).headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    @Test
    void aShutdownFinishesTheRunningJobAndCancelsTheWaitingOnes() throws Exception {
        ImageServer stopping = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0));
        ApiClient client = new ApiClient(stopping.url(), null);
        CompletableFuture<ApiClient.Reply> running = CompletableFuture.supplyAsync(() -> call(client,
                "{\"prompt\": \"a red circle\", \"steps\": 40, \"response_format\": \"b64_json\"}"));
        await(() -> metric(client, "dalle2_jobs_running") == 1, "a job runs");
        CompletableFuture<ApiClient.Reply> waiting = CompletableFuture.supplyAsync(() -> call(client,
                "{\"prompt\": \"a red circle\", \"steps\": 40}"));
        await(() -> metric(client, "dalle2_queue_length") == 1, "a job waits");
        stopping.close();
        ApiClient.Reply finished = running.get();
        assertEquals(200, finished.status(), finished.text());
        ApiClient.Reply cancelled = waiting.get();
        assertEquals(503, cancelled.status(), cancelled.text());
        assertEquals("shutting_down", cancelled.json().get("error").get("code").asText());
    }

    // ---- helpers ----

    private static JsonNode documented() {
        try {
            return ApiClient.JSON.readTree(ImageServerTest.class.getResourceAsStream("openai-images-api.json"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ApiClient.Reply call(ApiClient client, String body) {
        try {
            return client.postJson("/v1/images/generations", body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks OpenAI's images response: the documented fields only, {@code n} items each holding {@code format}. */
    static void assertImagesShape(JsonNode response, int n, String format) {
        JsonNode spec = documented.get("ImagesResponse");
        for (Iterator<String> it = spec.get("required").fieldNames(); it.hasNext(); ) {
            assertTrue(response.has(it.next()), "required field: " + response);
        }
        response.fieldNames().forEachRemaining(f -> assertTrue(spec.get("required").has(f) || spec.get("optional").has(f),
                "undocumented field " + f));
        assertTrue(response.get("created").isIntegralNumber());
        assertTrue(Math.abs(response.get("created").asLong() - System.currentTimeMillis() / 1000) < 600);
        assertEquals(n, response.get("data").size());
        JsonNode image = documented.get("Image");
        for (JsonNode item : response.get("data")) {
            item.fieldNames().forEachRemaining(f -> assertTrue(image.get("oneOf").has(f) || image.get("optional").has(f),
                    "undocumented field " + f));
            assertTrue(item.has(format) && item.get(format).isTextual(), item.toString());
            assertEquals(1, Stream.of("b64_json", "url").filter(item::has).count(), "one of b64_json and url");
        }
    }

    /** Checks OpenAI's error shape: {"error": {"message", "type", "param", "code"}}. */
    static void assertErrorShape(JsonNode body) {
        assertEquals(1, body.size(), body.toString());
        JsonNode e = body.get("error");
        JsonNode spec = documented.get("Error");
        spec.get("required").fieldNames().forEachRemaining(f -> assertTrue(e.get(f).isTextual() && !e.get(f).asText().isBlank(), f));
        spec.get("nullable").fieldNames().forEachRemaining(f -> assertTrue(e.has(f) && (e.get(f).isNull() || e.get(f).isTextual()), f));
        assertEquals(4, e.size(), e.toString());
    }

    private void assertUploadRejected(Map<String, Object> fields, String param, String code) throws Exception {
        ApiClient.Reply r = api.postForm("/v1/images/variations", fields);
        assertEquals(400, r.status(), fields.keySet() + " → " + r.text());
        assertErrorShape(r.json());
        assertEquals(param, r.json().get("error").get("param").asText(), r.text());
        if (code != null) {
            assertEquals(code, r.json().get("error").get("code").asText(), r.text());
        }
    }

    private void assertEditRejected(Map<String, Object> fields, String param, String words) throws Exception {
        ApiClient.Reply r = api.postForm("/v1/images/edits", fields);
        assertEquals(400, r.status(), r.text());
        assertErrorShape(r.json());
        assertEquals(param, r.json().get("error").get("param").asText(), r.text());
        assertTrue(r.json().get("error").get("message").asText().contains(words), r.text());
    }

    static Map<String, Object> form(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1] instanceof Integer n ? n.toString() : keysAndValues[i + 1]);
        }
        return m;
    }

    static BufferedImage picture() {
        return picture(Color.RED);
    }

    /** A 64 × 64 picture like the shapes data: a coloured disc on beige. */
    static BufferedImage picture(Color colour) {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0xf0e6d2));
        g.fillRect(0, 0, 64, 64);
        g.setColor(colour);
        g.fillOval(16, 16, 32, 32);
        g.dispose();
        return image;
    }

    /** A PNG whose header says it is w × h (its pixels do not follow): an upload that would need w·h·4 bytes to decode. */
    static byte[] claimsSize(byte[] png, int w, int h) {
        byte[] out = png.clone();
        for (int i = 0; i < 4; i++) {
            out[16 + i] = (byte) (w >>> (24 - 8 * i));
            out[20 + i] = (byte) (h >>> (24 - 8 * i));
        }
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            out[29 + i] = (byte) (v >>> (24 - 8 * i));
        }
        return out;
    }

    /** An HTTP/1.1 POST to the generations route left open, to be closed by the caller (a client that goes away). */
    static Socket openRequest(ImageServer s, String json) throws IOException {
        Socket socket = new Socket("127.0.0.1", s.port());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** The events of a stream until it ends: pairs of event name and data. */
    static List<String[]> events(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(120)).build();
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        List<String[]> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        for (Iterator<String> lines = r.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            } else if (line.isEmpty() && name != null) {
                events.add(new String[] {name, data.toString()});
                name = null;
                data.setLength(0);
            }
        }
        return events;
    }

    static double metric(String name) throws IOException, InterruptedException {
        return metric(api, name);
    }

    static double metric(ApiClient client, String name) {
        try {
            for (String line : client.get("/metrics").text().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                }
            }
            return 0;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }
}
