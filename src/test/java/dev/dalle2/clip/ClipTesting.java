package dev.dalle2.clip;

import dev.dalle2.nn.Ops;
import dev.dalle2.tokenizer.BpeTokenizer;
import dev.dalle2.tokenizer.BpeTrainer;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Shared fixtures of the CLIP tests: a small tokenizer, tiny configs and coloured-square pairs. */
final class ClipTesting {
    static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    static final float[][] RGB = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, -1}};
    static final String[] SIZES = {"small", "large"};
    /** Half the side of a small and of a large square, in pixels. */
    static final int[] HALF_SIDES = {3, 6};
    static final int CONTEXT = 8;
    static final int IMAGE = 16;

    /** Every caption of the set, e.g. "a small red square": 2 sizes × 4 colours. */
    static final List<String> CAPTIONS = captions();
    /** A byte-level BPE trained on the captions until every word is one token. */
    static final BpeTokenizer TOKENIZER = new BpeTokenizer(BpeTrainer.train(CAPTIONS, BpeTrainer.BASE_VOCAB + 100));

    private ClipTesting() {}

    private static List<String> captions() {
        List<String> out = new ArrayList<>();
        for (String size : SIZES) {
            for (String colour : COLOURS) {
                out.add("a " + size + " " + colour + " square");
            }
        }
        return out;
    }

    /** A tiny CLIP for the tokenizer above: 16×16 images in 4×4 patches. */
    static ClipConfig tiny(int width, int layers, int embedDim) {
        return new ClipConfig(TOKENIZER.vocabSize(), CONTEXT, width, layers, 4, IMAGE, 4, width, layers, 4, embedDim,
                TOKENIZER.endToken());
    }

    static Tensor ids(List<String> captions) {
        return TOKENIZER.tokenizeTensor(captions, CONTEXT);
    }

    /** The image of {@code CAPTIONS.get(i)}: a centred coloured square on grey, [3, S, S] in [-1, 1]. */
    static float[] image(int i) {
        float[] rgb = RGB[i % COLOURS.length];
        int half = HALF_SIDES[i / COLOURS.length];
        int s = IMAGE;
        float[] img = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                boolean inside = Math.abs(x + 0.5 - s / 2.0) < half && Math.abs(y + 0.5 - s / 2.0) < half;
                for (int c = 0; c < 3; c++) {
                    img[c * s * s + y * s + x] = inside ? rgb[c] : 0;
                }
            }
        }
        return img;
    }

    /** The images of the first n captions, [n, 3, S, S]. */
    static Tensor images(int n) {
        int size = 3 * IMAGE * IMAGE;
        float[] all = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(image(i), 0, all, i * size, size);
        }
        return Ops.tensor(all, n, 3, IMAGE, IMAGE);
    }
}
