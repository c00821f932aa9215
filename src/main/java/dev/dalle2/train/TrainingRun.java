package dev.dalle2.train;

import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Module;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The skeleton of one network's training run, shared by {@link ClipTraining}, {@link PriorTraining} and
 * {@link UNetTraining}, which add their data, model, task and extra exports. In order:
 * {@link #open} refuses a resume without a checkpoint before anything is loaded; {@link #networks} seeds
 * the engine, builds the model, then its EMA copy, then loads the recipe's {@code init} weights (the
 * order of their random draws); {@link #train} announces the run on stderr
 * ({@code NAME: N parameters, EXAMPLES, bf16 autocast|fp32}), runs the {@link Trainer} and exports
 * the EMA weights with the recipe as a network folder in the run folder.
 */
final class TrainingRun {
    /** Examples shown in each preview. */
    static final int PREVIEW = 8;

    private final String name;
    private final Path runDir;
    private final long seed;
    private final TrainingConfig training;
    private final boolean resume;

    private TrainingRun(String name, Path runDir, long seed, TrainingConfig training, boolean resume) {
        this.name = name;
        this.runDir = runDir;
        this.seed = seed;
        this.training = training;
        this.resume = resume;
    }

    /**
     * The trained model and the copy that holds its EMA weights.
     *
     * @param model   the network the optimizer trains
     * @param average its EMA copy, the one exported
     * @param <M>     the architecture
     */
    record Networks<M extends Module>(M model, M average) {
        /** Seeds the engine with {@code seed}, then builds the model, then its EMA copy, each with {@code build}. */
        static <M extends Module> Networks<M> seeded(long seed, Supplier<M> build) {
            Engine.seed(seed);
            M model = build.get();
            M average = build.get();
            return new Networks<>(model, average);
        }
    }

    /**
     * Starts the run of network {@code name} (the announcement's name, the {@code kind} of the export's
     * metadata) in the run folder {@code out}; fails at once when {@code resume} is asked and the folder
     * has no checkpoint.
     */
    static TrainingRun open(String name, String out, long seed, TrainingConfig training, boolean resume)
            throws IOException {
        Path runDir = Path.of(out);
        Checkpoint.requireForResume(runDir, resume);
        return new TrainingRun(name, runDir, seed, training, resume);
    }

    /** The run folder. */
    Path dir() {
        return runDir;
    }

    /**
     * The examples shown in each preview: the first {@link #PREVIEW} held-out ones when there are at
     * least 2, else the first training ones.
     */
    static int[] preview(int[] heldOut, int[] train) {
        int[] pool = heldOut.length >= 2 ? heldOut : train;
        return Arrays.copyOf(pool, Math.min(PREVIEW, pool.length));
    }

    /** {@link #preview(int[], int[])} for examples numbered by {@code long}s (rows of an embedding cache). */
    static long[] preview(long[] heldOut, long[] train) {
        long[] pool = heldOut.length >= 2 ? heldOut : train;
        return Arrays.copyOf(pool, Math.min(PREVIEW, pool.length));
    }

    /**
     * {@link Networks#seeded} with the run's seed, then, in a fresh run, the weights of the network
     * folder {@code init} (null: none) in the model.
     */
    <M extends Module> Networks<M> networks(Supplier<M> build, String init) throws IOException {
        Networks<M> networks = Networks.seeded(seed, build);
        Checkpoint.startFrom(init, resume, networks.model(), name);
        return networks;
    }

    /**
     * Announces the run on stderr ({@code examples} says what it trains on, e.g. "16 training images"),
     * trains {@code task} with the {@link Trainer} (on from the checkpoint when resuming, for at most
     * {@code stopAfter} steps of this call when positive), and exports the EMA weights with
     * {@code recipe} and the metadata {@code kind}, {@code step} and {@code weights: ema}.
     */
    Trainer.Result train(TrainingTask task, String examples, Object recipe, long stopAfter)
            throws IOException, InterruptedException {
        System.err.printf("%s: %,d parameters, %s, %s%n", name, task.model().parameterCount(), examples,
                precision(training.bf16(), Engine.nativeBf16()));
        Trainer.Result result = new Trainer(task, training, seed, runDir).run(resume, stopAfter);
        NetworkFolder.write(runDir, recipe, task.average().namedParameters(),
                Map.of("kind", name, "step", Long.toString(result.steps()), "weights", "ema"));
        return result;
    }

    /**
     * The precision as the announcement names it. bf16 autocast on a CPU without native bf16 is emulated and
     * slower than fp32 (14 times for the decoder overfit test's U-Net on an AMD Zen 3), so the line says so and
     * names the recipe key that turns it off; the run still trains as the recipe asks.
     */
    static String precision(boolean bf16, boolean nativeBf16) {
        if (!bf16) {
            return "fp32";
        }
        return nativeBf16 ? "bf16 autocast" : "bf16 autocast (emulated on this CPU, which has neither avx512_bf16 nor "
                + "amx_bf16: training.bf16: false trains several times faster here)";
    }
}
