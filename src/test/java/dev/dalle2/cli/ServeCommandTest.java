package dev.dalle2.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dalle2 serve} as a user runs it: its first line, its errors, and SIGTERM while a job runs. */
class ServeCommandTest {
    @Test
    void badOptionsFailBeforeLoadingAndNamedFilesAreChecked(@TempDir Path dir) throws IOException {
        CliRun port = CliRun.run("serve", "--port", "70000");
        assertEquals(2, port.code());
        assertTrue(port.err().contains("--port must be between 0 and 65535"), port.err());
        CliRun queue = CliRun.run("serve", "--queue", "0");
        assertEquals(2, queue.code());
        CliRun cors = CliRun.run("serve", "--cors", "*");
        assertEquals(2, cors.code());
        assertTrue(cors.err().contains("--cors must be an origin"), cors.err());
        CliRun key = CliRun.run("serve", "--api-key-file", dir.resolve("missing.txt").toString());
        assertEquals(1, key.code());
        assertTrue(key.err().contains("missing.txt"), key.err());
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n");
        CliRun blank = CliRun.run("serve", "--api-key-file", empty.toString());
        assertEquals(1, blank.code());
        assertTrue(blank.err().contains("one non-empty line"), blank.err());
        CliRun model = CliRun.run("serve", "--model", dir.resolve("nothing").toString());
        assertEquals(1, model.code());
        assertTrue(model.err().contains("nothing"), model.err());
    }

    @Test
    void aPortInUseIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.run("serve", "--model", "models/shapes", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, run.code());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), run.err());
        }
    }

    @Test
    void sigtermLetsTheRunningJobFinishThenStops(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serve.log");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--model", "models/shapes", "--port", "0").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.readString(log).lines().findFirst().isEmpty()) {
                assertTrue(serve.isAlive() && System.nanoTime() < started, "the server starts: " + Files.readString(log));
                Thread.sleep(100);
            }
            String first = Files.readString(log).lines().findFirst().orElseThrow();
            Matcher url = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) ").matcher(String.valueOf(first));
            assertTrue(url.find(), "the first line names the host and port: " + first);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest slow = HttpRequest.newBuilder(URI.create(url.group(1) + "/v1/images/generations"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a red circle\", \"steps\": 40, \"response_format\": \"b64_json\"}")).build();
            CompletableFuture<HttpResponse<String>> reply = http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            HttpRequest metrics = HttpRequest.newBuilder(URI.create(url.group(1) + "/metrics")).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!http.send(metrics, HttpResponse.BodyHandlers.ofString()).body().contains("dalle2_jobs_running 1.0")) {
                assertTrue(System.nanoTime() < deadline, "the job started");
                Thread.sleep(100);
            }
            serve.destroy(); // SIGTERM
            HttpResponse<String> finished = reply.get(60, TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode(), finished.body());
            assertTrue(finished.body().contains("b64_json"));
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "the server stopped");
            assertEquals(143, serve.exitValue(), "the JVM's status after SIGTERM (128 + 15), its shutdown hooks run: " + Files.readString(log));
            assertTrue(Files.readString(log).contains("dalle2 serve: stopped"), Files.readString(log));
        } finally {
            serve.destroyForcibly();
        }
    }
}
