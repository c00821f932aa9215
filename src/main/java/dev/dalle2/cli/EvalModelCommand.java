package dev.dalle2.cli;

import dev.dalle2.eval.ModelEvaluation;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.Texts;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.train.PriorRunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dalle2 eval model}: the quality of a whole model: the prior's cosine to the true image
 * embeddings against the text-embedding baseline, the CLIP score of generated images, for
 * shapes prompts the shape-and-colour accuracy of the generated images, and with
 * {@code --template} how often CLIP names the concept of a generated image, beside the prior's image
 * embeddings themselves, images decoded from real images' embeddings (the decoder alone) and the
 * real images. {@code --prior-only} measures the prior's numbers alone, for tuning its settings. The measuring is
 * {@link ModelEvaluation#run}'s; the dataset and its held-out split are those the prior was trained on.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Evaluate a model folder: prior cosine vs. the text-embedding baseline on held-out captions, "
                + "CLIP score of generated images, shape/colour accuracy for shapes prompts, and concept recall "
                + "for --template prompts.")
final class EvalModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions options;

    @Option(names = "--count", defaultValue = "64", description = "Prompts to generate from (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--hold-out", paramLabel = "COMBOS",
            description = "Generate one-shape prompts of these held-out colour-shape pairs (e.g. \"red star,blue circle\") "
                    + "instead of held-out dataset captions.")
    String holdOut;

    @Option(names = "--template", paramLabel = "TEXT",
            description = "Generate from this caption template, {} standing for a concept's name (e.g. \"a drawing of {}\"), "
                    + "for --count concepts of the dataset, and report CLIP image→text recall@5 over all concept names "
                    + "of the generated images beside that of real images of the same concepts, each ± its standard error.")
    String template;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "K",
            description = "With --template, shift the even spread of concepts by K (default: ${DEFAULT-VALUE}); another "
                    + "offset below the spacing of the concepts draws a disjoint set, e.g. for choosing sampler settings "
                    + "without touching the judged one.")
    int offset;

    @Option(names = "--prior-captions", defaultValue = "512", paramLabel = "N",
            description = "Held-out captions the prior's cosine is measured on (default: ${DEFAULT-VALUE}).")
    int priorCaptions;

    @Option(names = "--prior-only",
            description = "Measure the prior alone: its cosine and, with --template, the recall of its image embeddings; "
                    + "generate no images.")
    boolean priorOnly;

    @Option(names = "--batch", defaultValue = "16", description = "Images per sampling batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        validate();
        Pipeline pipeline = Pipeline.load(options.model);
        PriorRunConfig recipe = NetworkFolder.config(options.model.resolve("prior"), PriorRunConfig.class, "prior");
        ModelEvaluation.Request request = new ModelEvaluation.Request(options.out, options.seed, options.settings(), count,
                holdOut, template, offset, priorCaptions, priorOnly, batch);
        ModelEvaluation.run(pipeline, Path.of(recipe.data().dataset()), recipe.data().validation(), request,
                text -> EvalCommand.print(spec, text));
        return 0;
    }

    /** Fails (exit code 1, as always) on a combination of options that cannot be measured, before any loading. */
    private void validate() {
        if (holdOut != null && template != null) {
            throw new IllegalArgumentException("give --hold-out or --template, not both");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("--offset must not be negative, got " + offset);
        }
        if (offset != 0 && template == null) {
            throw new IllegalArgumentException("--offset shifts the concepts of --template; give --template too");
        }
        if (priorCaptions < 1) {
            throw new IllegalArgumentException("--prior-captions must be at least 1");
        }
        if (template != null && !template.contains("{}")) {
            throw new IllegalArgumentException("--template needs {} where the concept's name goes, got " + Texts.quoted(template));
        }
    }
}
