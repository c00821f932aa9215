package dev.dalle2.pipeline;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.clip.ClipModel.TextFeatures;
import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.decoder.UNetFolder;
import dev.dalle2.decoder.Upsampling;
import dev.dalle2.diffusion.KnownRegion;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.Texts;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.prior.PriorFolder;
import dev.dalle2.prior.PriorSampling;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The whole unCLIP system loaded from a model folder ({@code clip/}, {@code prior/},
 * {@code decoder/}, optionally {@code upsampler/} and an inpainting decoder {@code decoder-inpaint/}): text → CLIP text embedding → prior → image
 * embedding → decoder (guided) → upsampler → image. Every method returns images [N, 3, S, S] in
 * [-1, 1] at the upsampler's size (the decoder's without one), in the caller's scope: call them
 * inside {@link Scopes#keepResult} or {@link Scopes#freeing}. Noise comes from a generator seeded by
 * the caller's seed, so equal arguments give equal images.
 */
public final class Pipeline {
    /** The optional inpainting decoder's folder in a model folder. */
    public static final String INPAINT_DECODER = "decoder-inpaint";
    private final Path dir;
    private final ClipFolder clip;
    private final PriorFolder prior;
    private final UNetFolder decoder;
    private final UNetFolder upsampler;
    /** The inpainting decoder, loaded when an inpainting first needs it (so generating does not pay for it). */
    private UNetFolder inpaintDecoder;
    private boolean showProgress = true;
    /** Told of every sampling step, or null. */
    private StageListener listener;
    private final StageTimes times = new StageTimes();

    private Pipeline(Path dir, ClipFolder clip, PriorFolder prior, UNetFolder decoder, UNetFolder upsampler) {
        this.dir = dir;
        this.clip = clip;
        this.prior = prior;
        this.decoder = decoder;
        this.upsampler = upsampler;
    }

    /** Loads a model folder; a missing part is a one-line error naming it. */
    public static Pipeline load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such model folder");
        }
        for (String part : List.of("clip", "prior", "decoder")) {
            NetworkFolder.require(dir.resolve(part), NetworkFolder.CONFIG);
        }
        ClipFolder clip = ClipFolder.load(dir.resolve("clip"));
        PriorFolder prior = PriorFolder.load(dir.resolve("prior"));
        UNetFolder decoder = UNetFolder.load(dir.resolve("decoder"), "decoder");
        UNetFolder upsampler = Files.isDirectory(dir.resolve("upsampler")) ? UNetFolder.load(dir.resolve("upsampler"), "upsampler") : null;
        int d = clip.model().config().embedDim();
        if (prior.net().config().embedDim() != d || decoder.net().config().condDim() != d) {
            throw new IOException(dir + ": the parts disagree on the embedding size (CLIP " + d + ", prior "
                    + prior.net().config().embedDim() + ", decoder " + decoder.net().config().condDim() + ")");
        }
        if (upsampler != null && upsampler.net().config().imageSize() != 2 * decoder.net().config().imageSize()) {
            throw new IOException(dir + ": the upsampler makes " + upsampler.net().config().imageSize()
                    + " px images from the decoder's " + decoder.net().config().imageSize() + " px ones; expected twice");
        }
        return new Pipeline(dir, clip, prior, decoder, upsampler);
    }

    /** Whether each network's sampling shows a progress bar (on by default; off when the caller shows its own). */
    public void showProgress(boolean show) {
        showProgress = show;
    }

    /**
     * Tells {@code listener} (null for none) of every sampling step of the calls that follow: the stage, the steps
     * done and the stage's total. An unchecked exception it throws stops the call (after freeing what it made) and
     * comes out of it: how a server cancels a job whose client has gone.
     */
    public void onStep(StageListener listener) {
        this.listener = listener;
    }

    /** The seconds this pipeline has spent in each stage so far. */
    public StageTimes times() {
        return times;
    }

    public Path dir() {
        return dir;
    }

    public ClipFolder clip() {
        return clip;
    }

    /** Whether the decoder's images are upsampled (the folder has an {@code upsampler/}). */
    public boolean hasUpsampler() {
        return upsampler != null;
    }

    /** The decoder folder's own sampling settings (its steps and guidance scale are what {@link Settings#DEFAULTS} uses). */
    public SamplingConfig decoderSampling() {
        return decoder.sampling();
    }

    /** Side of the images this pipeline makes. */
    public int imageSize() {
        return upsampler != null ? upsampler.net().config().imageSize() : decoder.net().config().imageSize();
    }

    /** {@code n} images for {@code prompt}: its text encoded once, n image embeddings from the prior, each decoded. */
    public Tensor generate(String prompt, int n, long seed, Settings settings) {
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> decode(imageEmbeddings(encodeText(List.of(prompt)).repeat(n), g, settings), false, g, settings));
    }

    /** One image per prompt, [P, 3, S, S]: an image embedding from the prior for each, decoded. */
    public Tensor generate(List<String> prompts, long seed, Settings settings) {
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> decode(imageEmbeddings(encodeText(prompts), g, settings), false, g, settings));
    }

    /** Image embeddings [B, D] the prior samples for text features (best of N candidates, N from the settings or the folder). */
    public Tensor imageEmbeddings(TextFeatures text, Generator g, Settings settings) {
        boolean tokens = prior.net().config().textWidth() > 0;
        StageListener told = listener;
        return times.time("prior", () -> requireFinite(prior.dir(), "prior", "image embeddings", PriorSampling.sample(prior.net(), prior.sampler(settings.priorSteps(), settings.sampler()),
                settings.priorGuidance(prior.sampling().guidance()), settings.bestOf(prior.bestOf()), text.embedding(),
                tokens ? text.tokens() : null, tokens ? text.mask() : null, g,
                told == null ? null : (step, total) -> told.onStep("prior", step + 1, total))));
    }

    /** One image per CLIP image embedding [B, D] (unit rows), [B, 3, S, S]: the decoder and upsampler alone. */
    public Tensor decode(Tensor imageEmbeds, long seed, Settings settings) {
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> decode(imageEmbeds, false, g, settings));
    }

    /** {@code n} variations of {@code image} ([3, H, W] in [-1, 1]): decodings of its CLIP image embedding. */
    public Tensor vary(Tensor image, int n, long seed, Settings settings) {
        return Scopes.noGrad(() -> decode(encodeImage(image).repeat(new long[] {n, 1}), seed, settings));
    }

    /**
     * {@code frames} images along the spherical path between the embeddings of {@code a} and
     * {@code b} (both ends included), all decoded from the same noise.
     */
    public Tensor interpolate(Tensor a, Tensor b, int frames, long seed, Settings settings) {
        if (frames < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 frames, got " + frames);
        }
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> {
            Tensor za = encodeImage(a);
            Tensor zb = encodeImage(b);
            Tensor[] path = new Tensor[frames];
            for (int i = 0; i < frames; i++) {
                path[i] = Embeddings.slerp(za, zb, (double) i / (frames - 1));
            }
            return decode(Ops.cat(0, path), true, g, settings);
        });
    }

    /**
     * The paper's text diff: the image embedding moved towards the normalised difference of the
     * text embeddings of {@code to} and {@code from} by spherical interpolation, at
     * {@code amounts} (0 = the image's own embedding), each decoded from the same noise.
     */
    public Tensor edit(Tensor image, String from, String to, double[] amounts, long seed, Settings settings) {
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> {
            Tensor z = encodeImage(image);
            TextFeatures texts = encodeText(List.of(from, to));
            Tensor diff = Ops.normalize(texts.embedding().get(1).sub(texts.embedding().get(0)).unsqueeze(0));
            Tensor[] edits = new Tensor[amounts.length];
            for (int i = 0; i < amounts.length; i++) {
                edits[i] = Embeddings.slerp(z, diff, amounts[i]);
            }
            return decode(Ops.cat(0, edits), true, g, settings);
        });
    }

    /**
     * {@code n} inpaintings of {@code image} ([3, S, S] in [-1, 1] at {@link #imageSize}), [n, 3, S, S]: where
     * {@code mask} ([1, S, S]) is 1 the pixels are drawn anew for {@code prompt}, guided by image embeddings the prior
     * samples for it (by {@code how}'s method; see {@link Inpainting}); where it is 0 they are the input's exactly. A
     * mask of ones is plain generation.
     */
    public Tensor inpaint(Tensor image, Tensor mask, String prompt, int n, long seed, Settings settings, Inpainting how) {
        requireImage(image, "image");
        return inpaint(image.unsqueeze(0).expand(n, -1, -1, -1).contiguous(), mask.unsqueeze(0),
                Collections.nCopies(n, prompt), seed, settings, how);
    }

    /**
     * One inpainting per prompt, [P, 3, S, S]: image i of {@code images} ([P, 3, S, S]) repainted where its mask
     * (row i of {@code masks}, [P, 1, S, S], or the one mask of [1, 1, S, S]) is 1, for prompt i.
     */
    public Tensor inpaint(Tensor images, Tensor masks, List<String> prompts, long seed, Settings settings, Inpainting how) {
        int s = imageSize();
        int p = prompts.size();
        if (images.dim() != 4 || images.size(0) != p || images.size(1) != 3 || images.size(2) != s || images.size(3) != s) {
            throw new IllegalArgumentException("the images must be [" + p + ", 3, " + s + ", " + s + "] (one per prompt, at "
                    + "this model's size), got " + Arrays.toString(images.shape()));
        }
        if (masks.dim() != 4 || (masks.size(0) != 1 && masks.size(0) != p) || masks.size(1) != 1 || masks.size(2) != s
                || masks.size(3) != s) {
            throw new IllegalArgumentException("the mask must be [1, " + s + ", " + s + "], got "
                    + Arrays.toString(masks.dim() == 4 && masks.size(0) == 1 ? Arrays.copyOfRange(masks.shape(), 1, 4) : masks.shape()));
        }
        if (!Ops.allFinite(masks) || Ops.item(masks.ne(Ops.scalar(0)).logical_and(masks.ne(Ops.scalar(1))).any()) != 0) {
            throw new IllegalArgumentException("the mask must hold only 0 (keep) and 1 (repaint)");
        }
        Generator g = Ops.generator(seed);
        requireMethod(how);
        return Scopes.noGrad(() -> inpaint(imageEmbeddings(encodeText(prompts), g, settings), images, masks, how,
                g, settings));
    }

    /**
     * {@code n} outpaintings of {@code image} ([3, S, S] in [-1, 1] at {@link #imageSize}): the canvas grows by
     * {@code extension}'s pixels on each side, [n, 3, S + up + down, S + left + right], the original sits unchanged
     * in it, and the new band is inpainted window by window: S × S windows half overlapping, the ones nearest the
     * original first, each with what is already on the canvas as its known region. All windows of an image are
     * guided by the same image embedding from the prior.
     */
    public Tensor outpaint(Tensor image, Extension extension, String prompt, int n, long seed, Settings settings, Inpainting how) {
        requireImage(image, "image");
        requireMethod(how);
        int s = imageSize();
        int h = s + extension.up() + extension.down();
        int w = s + extension.left() + extension.right();
        Generator g = Ops.generator(seed);
        return Scopes.noGrad(() -> {
            Tensor embeds = imageEmbeddings(encodeText(Collections.nCopies(n, prompt)), g, settings);
            Tensor canvas = Ops.zeros(n, 3, h, w);
            Tensor known = Ops.zeros(1, 1, h, w);
            place(canvas, extension, image.unsqueeze(0).expand(n, -1, -1, -1));
            place(known, extension, Ops.ones(1, 1, s, s));
            List<int[]> windows = Extension.windows(h, w, s, extension.up() + s / 2.0, extension.left() + s / 2.0);
            try (Progress progress = showProgress ? new Progress("windows", windows.size()) : null) {
                boolean shown = showProgress;
                showProgress = false;
                try {
                    for (int k = 0; k < windows.size(); k++) {
                        int[] yx = windows.get(k);
                        Scopes.freeing(() -> {
                            Tensor keep = window(known, yx, s);
                            if (Ops.item(keep.min()) < 1) {
                                window(canvas, yx, s).copy_(inpaint(embeds, window(canvas, yx, s).contiguous(),
                                        Ops.oneMinus(keep), how, g, settings));
                                keep.fill_(Ops.scalar(1));
                            }
                            return null;
                        });
                        if (progress != null) {
                            progress.update(k + 1, "");
                        }
                    }
                } finally {
                    showProgress = shown;
                }
            }
            return canvas;
        });
    }

    /** The S × S window of [B, C, H, W] at (y, x), a view. */
    private static Tensor window(Tensor t, int[] yx, int s) {
        return t.narrow(2, yx[0], s).narrow(3, yx[1], s);
    }

    /** Copies {@code part} [B, C, S, S] into {@code canvas} at the original's place. */
    private static void place(Tensor canvas, Extension extension, Tensor part) {
        canvas.narrow(2, extension.up(), part.size(2)).narrow(3, extension.left(), part.size(3)).copy_(part);
    }

    /** Whether this model folder has an inpainting decoder ({@value #INPAINT_DECODER}/). */
    public boolean hasInpaintingDecoder() {
        return Files.isDirectory(dir.resolve(INPAINT_DECODER));
    }

    /**
     * Fails when {@code how} needs an inpainting decoder this folder does not have; loads it (once) when it does (a
     * folder that does not fit this model is an error naming it).
     */
    private void requireMethod(Inpainting how) {
        if (!how.usesDecoder(hasInpaintingDecoder())) {
            return;
        }
        if (!hasInpaintingDecoder()) {
            throw new IllegalArgumentException(dir + " has no inpainting decoder (" + INPAINT_DECODER + "/); use the method repaint");
        }
        if (inpaintDecoder == null) {
            Path folder = dir.resolve(INPAINT_DECODER);
            UNetFolder loaded;
            try {
                loaded = UNetFolder.load(folder, "decoder");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            UNetConfig c = loaded.net().config();
            if (!c.inpainting() || c.imageSize() != decoder.net().config().imageSize() || c.condDim() != decoder.net().config().condDim()) {
                throw new IllegalArgumentException(folder + ": not an inpainting decoder for this model (it needs "
                        + (3 + UNetConfig.INPAINT_CHANNELS) + " input channels, the decoder's image size and embedding size)");
            }
            inpaintDecoder = loaded;
        }
    }

    private void requireImage(Tensor image, String what) {
        int s = imageSize();
        if (image.dim() != 3 || image.size(0) != 3 || image.size(1) != s || image.size(2) != s) {
            throw new IllegalArgumentException("the " + what + " must be [3, " + s + ", " + s + "] (this model's size), got "
                    + Arrays.toString(image.shape()));
        }
    }

    /** The unit CLIP image embedding [1, D] of an image [3, S, S] in [-1, 1] at CLIP's input size S. */
    public Tensor encodeImage(Tensor image) {
        int s = clip.model().config().imageSize();
        if (image.dim() != 3 || image.size(1) != s || image.size(2) != s) {
            throw new IllegalArgumentException("CLIP reads [3, " + s + ", " + s + "] images");
        }
        return times.time("CLIP", () -> clip.model().encodeImage(image.unsqueeze(0)));
    }

    /** CLIP text features of prompts; an empty prompt or one longer than the context is an error naming it. */
    public TextFeatures encodeText(List<String> prompts) {
        int context = clip.model().config().contextLength();
        for (String prompt : prompts) {
            if (prompt.isBlank()) {
                throw new IllegalArgumentException("the prompt is empty");
            }
            int tokens = clip.tokenizer().encode(prompt).length;
            if (tokens > context - 2) {
                throw new IllegalArgumentException("the prompt " + Texts.quoted(prompt) + " is " + tokens
                        + " tokens long; this model reads at most " + (context - 2));
            }
        }
        return times.time("CLIP", () -> clip.model().encodeText(clip.tokenizer().tokenizeTensor(prompts, context)));
    }

    /** Decodes image embeddings [B, D], then upsamples; with {@code sharedNoise} every row starts from the same noise. */
    private Tensor decode(Tensor embeds, boolean sharedNoise, Generator g, Settings settings) {
        long n = embeds.size(0);
        Tensor small = sample("decoder", decoder, embeds, null, noise(g, n, decoder, sharedNoise), g,
                settings.decoderSteps(), settings.sampler(), settings.decoderGuidance(decoder.sampling().guidance()), settings.bf16(), null, null);
        if (upsampler == null) {
            return small;
        }
        return sample("upsampler", upsampler, null, Upsampling.upsample(small), noise(g, n, upsampler, sharedNoise), g,
                settings.upsamplerSteps(), settings.sampler(), 1.0, settings.bf16(), null, null);
    }

    /**
     * Inpaints images [B, 3, S, S] where {@code repaint} [B or 1, 1, S, S] is 1, for image embeddings [B, D]: the
     * inpainting decoder is given the known pixels at its resolution, or the decoder keeps them (RePaint; a
     * low-resolution pixel is known when all the pixels it averages are), the upsampler keeps them at the full one, and the result is composed with the input at the end so the
     * known pixels are exactly the input's.
     */
    private Tensor inpaint(Tensor embeds, Tensor images, Tensor repaint, Inpainting how, Generator g, Settings settings) {
        long n = embeds.size(0);
        Tensor keep = Ops.oneMinus(repaint);
        Tensor decoderImages = upsampler == null ? images : Upsampling.downsample(images);
        Tensor decoderKeep = upsampler == null ? keep : Ops.avgPool2d(keep, 2).ge(Ops.scalar(1)).to(torch.ScalarType.Float);
        boolean model = how.usesDecoder(hasInpaintingDecoder());
        UNetFolder net = model ? inpaintDecoder : decoder;
        Tensor out = sample("decoder", net, embeds, null, noise(g, n, net, false), g, settings.decoderSteps(),
                settings.sampler(), settings.decoderGuidance(net.sampling().guidance()), settings.bf16(),
                model ? null : new KnownRegion(decoderImages, decoderKeep, how.resamplings()),
                model ? Ops.cat(1, decoderImages.mul(decoderKeep), Ops.oneMinus(decoderKeep).expand(n, -1, -1, -1)) : null);
        if (upsampler != null) {
            out = sample("upsampler", upsampler, null, Upsampling.upsample(out), noise(g, n, upsampler, false), g,
                    settings.upsamplerSteps(), settings.sampler(), 1.0, settings.bf16(),
                    new KnownRegion(images, keep, how.resamplings()), null);
        }
        return torch.where(keep.gt(Ops.scalar(0.5)), images, out);
    }

    private Tensor sample(String label, UNetFolder net, Tensor embeds, Tensor lowRes, Tensor noise, Generator g,
                          int steps, String sampler, double guidance, boolean bf16, KnownRegion known, Tensor inpaint) {
        try (Progress progress = showProgress ? new Progress(label, steps > 0 ? steps : net.sampling().steps()) : null) {
            return times.time(label, () -> {
                try (Autocast autocast = Autocast.bf16(bf16)) {
                    return requireFinite(net.dir(), label, "images", DecoderSampling.sample(net.net(), net.sampler(steps, sampler),
                            guidance, embeds, lowRes, noise, g, (step, total) -> {
                                if (progress != null) {
                                    progress.update(step + 1, "");
                                }
                                if (listener != null) {
                                    listener.onStep(label, step + 1, total);
                                }
                            }, known, inpaint));
                }
            });
        }
    }

    /**
     * {@code output} when every value is finite; otherwise an error naming the network that made it. Weights are
     * checked at load, so this catches what that cannot: a huge finite weight (one flipped exponent bit) that
     * overflows while sampling, or a network that is unstable at these settings.
     */
    private static Tensor requireFinite(Path dir, String network, String what, Tensor output) {
        if (!Ops.allFinite(output)) {
            throw new IllegalStateException(dir + ": the " + network + " made " + what
                    + " with NaN or infinite values (corrupt weights, or unstable at these sampler settings)");
        }
        return output;
    }

    /** Starting noise [n, 3, S, S] for {@code net}; with {@code shared} one draw repeated n times. */
    private static Tensor noise(Generator g, long n, UNetFolder net, boolean shared) {
        int size = net.net().config().imageSize();
        return shared ? Ops.randn(g, 1, 3, size, size).expand(n, -1, -1, -1).contiguous() : Ops.randn(g, n, 3, size, size);
    }
}
