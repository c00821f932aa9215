package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.serve.ImageServer;
import dev.dalle2.serve.ServerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dalle2 serve}: the web page and the OpenAI-compatible images API on one model. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a web page and an OpenAI-compatible images API (/v1/images/generations, variations, edits) "
                + "for one model, until Ctrl-C or SIGTERM.")
final class ServeCommand implements Callable<Integer> {
    /** The environment variable that may hold the API key. */
    static final String KEY_VARIABLE = "DALLE2_API_KEY";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = ServerOptions.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "TCP port, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", defaultValue = PipelineOptions.DEFAULT_MODEL, paramLabel = "DIR",
            description = "Model folder (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--queue", defaultValue = "" + ServerOptions.DEFAULT_QUEUE,
            description = "Jobs that may wait for the model; beyond them requests get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file holding the API key clients must send as 'Authorization: Bearer KEY' (default: the "
                    + KEY_VARIABLE + " environment variable; without either, no key is needed).")
    Path apiKeyFile;

    @Option(names = "--cors", paramLabel = "ORIGIN",
            description = "Let pages from this origin (e.g. https://example.org) call the API (default: no CORS).")
    String cors;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cli, "--port must be between 0 and 65535, got " + port);
        }
        if (queue < 1) {
            throw new CommandLine.ParameterException(cli, "--queue must be at least 1, got " + queue);
        }
        if (cors != null && !cors.matches("https?://[^/\\s]+")) {
            throw new CommandLine.ParameterException(cli, "--cors must be an origin such as https://example.org, got '" + cors + "'");
        }
        String key = apiKey();
        Pipeline pipeline = Pipeline.load(model);
        ImageServer server = ImageServer.start(pipeline, ServerOptions.DEFAULT.withHost(host).withPort(port)
                .withQueue(queue).withApiKey(key).withCors(cors));
        cli.getOut().println("dalle2 serve: listening on " + server.url() + " (model " + model + ", " + pipeline.imageSize()
                + " px; queue " + queue + "; API key " + (key == null ? "off" : "on") + "; the page at " + server.url() + "/)");
        cli.getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("dalle2 serve: stopping (finishing or cancelling the jobs under way) ...");
            server.close();
            System.err.println("dalle2 serve: stopped");
            stopped.countDown();
        }, "dalle2-serve-shutdown"));
        stopped.await();
        return 0;
    }

    /** The key from --api-key-file, else the environment, else null; an empty or unreadable file is an error naming it. */
    private String apiKey() throws IOException {
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) {
                throw new NoSuchFileException(apiKeyFile.toString(), null, "no such API key file");
            }
            String key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            if (key.isEmpty() || key.contains("\n")) {
                throw new IOException(apiKeyFile + ": the API key file must hold one non-empty line");
            }
            return key;
        }
        String env = System.getenv(KEY_VARIABLE);
        return env == null || env.isBlank() ? null : env.strip();
    }
}
