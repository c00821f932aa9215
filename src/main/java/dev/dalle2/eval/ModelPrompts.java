package dev.dalle2.eval;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Labels;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeCombo;
import dev.dalle2.data.shapes.ShapeSpec;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.embed.EmbeddingCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The prompts {@link ModelEvaluation} generates from: held-out captions, held-out shapes pairs or concepts. */
final class ModelPrompts {
    private ModelPrompts() {}

    /**
     * Up to {@code count} concepts spread evenly over those whose prompt fits CLIP's context, from the
     * {@code offset}-th of them on.
     */
    static int[] chooseConcepts(ClipFolder clip, Labels concepts, String template, int count, int offset) {
        int room = clip.model().config().contextLength() - 2;
        List<Integer> fitting = new ArrayList<>();
        for (int c = 0; c < concepts.size(); c++) {
            if (clip.tokenizer().encode(template.replace("{}", concepts.names().get(c))).length <= room) {
                fitting.add(c);
            }
        }
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("no concept of the dataset fits the template within CLIP's context");
        }
        return Arrays.stream(spread(fitting.size(), count, offset)).map(fitting::get).toArray();
    }

    /** min(count, size) indices in [0, size) spread evenly, the first at {@code offset}, wrapping around. */
    static int[] spread(int size, int count, int offset) {
        int n = Math.min(count, size);
        int[] picked = new int[n];
        for (int i = 0; i < n; i++) {
            picked[i] = (int) (((long) i * size / n + offset) % size);
        }
        return picked;
    }

    /** The template with each chosen concept's name for {}. */
    static List<String> conceptPrompts(Labels concepts, int[] chosen, String template) {
        List<String> out = new ArrayList<>();
        for (int c : chosen) {
            out.add(template.replace("{}", concepts.names().get(c)));
        }
        return out;
    }

    /** Up to {@code count} captions of held-out rows, spread evenly. */
    static List<String> captions(CaptionDataset data, EmbeddingCache cache, long[] rows, int count) {
        List<String> out = new ArrayList<>();
        int n = Math.min(count, rows.length);
        for (int i = 0; i < n; i++) {
            out.add(cache.caption(data, rows[(int) ((long) i * rows.length / n)]));
        }
        return out;
    }

    /**
     * {@code count} one-shape prompts cycling through the held-out pairs {@code holdOut} ({@link ShapeCombo#parseList}'s
     * form), sizes and backgrounds drawn at random from {@code seed}.
     */
    static List<String> heldOutShapePrompts(String holdOut, int count, long seed) {
        List<ShapeCombo> combos = ShapeCombo.parseList(holdOut);
        if (combos.isEmpty()) {
            throw new IllegalArgumentException("--hold-out names no colour-shape pairs");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ShapeAttributes a = ShapesGenerator.sample(seed + 1000, i, 0.0).attributes();
            ShapeSpec s = a.shapes().get(0);
            ShapeCombo combo = combos.get(i % combos.size());
            ShapeSpec held = new ShapeSpec(combo.shape(), combo.colour(), s.size(), s.x(), s.y(), s.extent());
            out.add(new ShapeAttributes(List.of(held), a.relation(), a.background()).caption(false));
        }
        return out;
    }
}
