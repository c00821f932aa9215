package dev.dalle2.serve;

import dev.dalle2.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server under concurrent load on loopback (the shapes model, 2 sampling steps): 40 generation requests at once
 * against a queue of 16 are all answered with 200 or 429, never 5xx, the 200s hold valid PNGs, the queue drains and
 * the metrics add up; 200 requests with bad inputs interleaved with good ones do not make a good one fail.
 * {@code scripts/bench-serve.sh} measures the same with memory and throughput (BENCHMARKS.md).
 */
class ServerLoadTest {
    static ImageServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        server = ImageServer.start(Pipeline.load(Path.of("models/shapes")), ServerOptions.DEFAULT.withPort(0));
        api = new ApiClient(server.url(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fortyConcurrentRequestsGet200Or429AndTheMetricsAddUp() throws Exception {
        double done = ImageServerTest.metric(api, "dalle2_jobs_total{outcome=\"done\"}");
        double rejected = ImageServerTest.metric(api, "dalle2_jobs_total{outcome=\"rejected\"}");
        double images = ImageServerTest.metric(api, "dalle2_images_generated_total");
        List<ApiClient.Reply> replies = all(40, i -> api.postJson("/v1/images/generations",
                "{\"prompt\": \"a red circle\", \"steps\": 2, \"seed\": " + i + ", \"response_format\": \"b64_json\"}"));
        int ok = 0;
        int busy = 0;
        for (ApiClient.Reply r : replies) {
            assertTrue(r.status() == 200 || r.status() == 429, r.status() + ": " + r.text());
            if (r.status() == 200) {
                ok++;
                List<BufferedImage> pngs = api.images(r.json());
                assertEquals(1, pngs.size());
                assertEquals(64, pngs.get(0).getWidth());
            } else {
                busy++;
                ImageServerTest.assertErrorShape(r.json());
                assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
            }
        }
        assertTrue(ok >= ServerOptions.DEFAULT_QUEUE + 1, ok + " answered: at least the queue and the running job");
        assertEquals(0, ImageServerTest.metric(api, "dalle2_queue_length"), "the queue drained");
        assertEquals(0, ImageServerTest.metric(api, "dalle2_jobs_running"));
        assertEquals(done + ok, ImageServerTest.metric(api, "dalle2_jobs_total{outcome=\"done\"}"));
        assertEquals(rejected + busy, ImageServerTest.metric(api, "dalle2_jobs_total{outcome=\"rejected\"}"));
        assertEquals(images + ok, ImageServerTest.metric(api, "dalle2_images_generated_total"));
    }

    @Test
    void badRequestsInterleavedWithGoodOnesDoNotHurtThem() throws Exception {
        String[] bad = {"{\"n\": 3}", "{\"prompt\": \"x\", \"n\": 50}", "{not json", "{\"prompt\": \"x\", \"size\": \"7x7\"}",
                "{\"prompt\": 5}", "{\"prompt\": \"x\", \"steps\": 9999}"};
        List<ApiClient.Reply> replies = all(210, i -> i % 21 == 0
                ? api.postJson("/v1/images/generations", "{\"prompt\": \"a blue square\", \"steps\": 2, \"seed\": " + i + "}")
                : i % 7 == 0 ? api.postForm("/v1/images/variations", ImageServerTest.form("image", "not a file"))
                : api.postJson("/v1/images/generations", bad[i % bad.length]));
        for (int i = 0; i < replies.size(); i++) {
            ApiClient.Reply r = replies.get(i);
            if (i % 21 == 0) {
                assertEquals(200, r.status(), "good request " + i + ": " + r.text());
                assertEquals(1, api.images(r.json()).size());
            } else {
                assertEquals(400, r.status(), "bad request " + i + ": " + r.text());
                ImageServerTest.assertErrorShape(r.json());
            }
        }
    }

    interface Call {
        ApiClient.Reply run(int i) throws Exception;
    }

    /** Runs {@code n} calls at once (one thread each) and returns their replies in order. */
    static List<ApiClient.Reply> all(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 40));
        try {
            List<Future<ApiClient.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> call.run(index)));
            }
            List<ApiClient.Reply> replies = new ArrayList<>();
            for (Future<ApiClient.Reply> f : futures) {
                replies.add(f.get());
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }
}
