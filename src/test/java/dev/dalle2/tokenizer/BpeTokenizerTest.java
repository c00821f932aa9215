package dev.dalle2.tokenizer;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

class BpeTokenizerTest {
    private static final BpeTokenizer CLIP = BpeTokenizer.clip();
    /** The project's copy of CLIP's merge list (identical to ../shared/data/clip/), read as a plain file. */
    private static final Path SHARED_MERGES = Path.of("src/main/resources/dev/dalle2/tokenizer/bpe_simple_vocab_16e6.txt.gz");

    @Test
    void knownClipIds() {
        long[][] rows = CLIP.tokenize(List.of("a diagram", "a dog", "a cat"), 77);
        assertArrayEquals(new long[] {49406, 320, 22697, 49407}, Arrays.copyOf(rows[0], 4));
        assertArrayEquals(new long[] {49406, 320, 1929, 49407}, Arrays.copyOf(rows[1], 4));
        assertArrayEquals(new long[] {49406, 320, 2368, 49407}, Arrays.copyOf(rows[2], 4));
        for (long[] row : rows) {
            assertEquals(77, row.length);
            assertTrue(Arrays.stream(row, 4, 77).allMatch(v -> v == 0));
        }
    }

    @Test
    void vocabularyLayoutIsClips() {
        assertEquals(49408, CLIP.vocabSize());
        assertEquals(49406, CLIP.startToken());
        assertEquals(49407, CLIP.endToken());
        // bytes_to_unicode order: '!'..'~' first, so 'a' (0x61) is entry 0x61 - 0x21 = 64; its </w> form is 256 + 64.
        assertEquals(List.of("!", "a", "\u0100", "!</w>", "a</w>", "in", "th", "<|startoftext|>", "<|endoftext|>"),
                CLIP.tokens(new int[] {0, 64, 188, 256, 320, 512, 513, 49406, 49407}));
    }

    @Test
    void helloWorldMatchesTheMergeFile() throws Exception {
        int[] ids = CLIP.encode("hello world");
        assertArrayEquals(new int[] {3306, 1002}, ids);
        assertEquals(List.of("hello</w>", "world</w>"), CLIP.tokens(ids));
        assertEquals(1002, 512 + mergeIndex("world</w>"));
        assertEquals(3306, 512 + mergeIndex("hello</w>"));
    }

    /** The 0-based position of the first merge that produces {@code token}, read straight from the file. */
    private static int mergeIndex(String token) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(SHARED_MERGES)), StandardCharsets.UTF_8))) {
            r.readLine();
            int i = 0;
            for (String line = r.readLine(); line != null; line = r.readLine(), i++) {
                if (line.replace(" ", "").equals(token)) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Test
    void matchesReferenceIds() {
        // Computed with CLIP's simple_tokenizer algorithm (without ftfy, which leaves these texts alone).
        assertArrayEquals(new int[] {320, 1125, 539, 320, 2368, 593, 275, 273, 7162, 269},
                CLIP.encode("A photo of a cat with 42 toys."));
        assertArrayEquals(new int[] {585, 568, 320, 1929, 568, 970, 267, 2923, 713, 585, 286},
                CLIP.encode("it's a dog's life, isn't it?"));
        assertArrayEquals(new int[] {550, 18376, 6765, 320, 4558, 530, 1153, 16157, 1844},
                CLIP.encode("an astronaut riding a horse in photorealistic style"));
        assertArrayEquals(new int[] {15304, 1097, 35689, 563}, CLIP.encode("café naïve"));
        assertArrayEquals(new int[] {22979, 2368}, CLIP.encode("🐱 cat"));
        assertArrayEquals(new int[] {163, 234, 104, 21575, 44653, 33440, 509}, CLIP.encode("猫の写真"));
        assertArrayEquals(new int[] {2435, 261, 9164, 283, 274}, CLIP.encode("Tom &amp; Jerry &lt;3"));
        assertArrayEquals(new int[] {49406, 343, 49407}, CLIP.encode("<|startoftext|>x<|endoftext|>"));
    }

    @Test
    void cleaningCollapsesWhiteSpaceLowerCasesAndUnescapes() {
        assertEquals("a dog", Pretokenizer.clean("  A\t\tDOG \n"));
        assertEquals("a dog", Pretokenizer.clean("a\u00a0\u2003dog"));
        assertEquals("tom & jerry <3 é", Pretokenizer.clean("Tom &amp;amp; Jerry &#60;3 &#xE9;"));
        assertEquals("café", Pretokenizer.clean("cafe\u0301"));
        assertArrayEquals(CLIP.encode("a dog"), CLIP.encode("  A\t\tDOG \n"));
        assertEquals(List.of("it", "'s", "a", "9", "9", "%", "ok", "!?"), Pretokenizer.split("it's a 99% ok!?"));
    }

    @Test
    void paddingAndTruncationKeepTheEndToken() {
        assertArrayEquals(new long[] {49406, 49407, 0, 0}, CLIP.tokenize(List.of(""), 4)[0]);
        assertArrayEquals(new long[] {49406, 320, 320, 49407}, CLIP.tokenize(List.of("a a"), 4)[0]);
        assertArrayEquals(new long[] {49406, 320, 320, 49407}, CLIP.tokenize(List.of("a a a a a"), 4)[0]);
        long[] fits = CLIP.tokenize(List.of("a ".repeat(75)), 77)[0];
        assertEquals(49407, fits[76]);
        assertEquals(320, fits[75]);
        long[] cut = CLIP.tokenize(List.of("a ".repeat(200)), 77)[0];
        assertEquals(49406, cut[0]);
        assertEquals(320, cut[75]);
        assertEquals(49407, cut[76]);
        assertThrows(IllegalArgumentException.class, () -> CLIP.tokenize(List.of("a"), 1));
    }

    @Test
    void tensorIsInt64BatchByContext() {
        Tensor t = CLIP.tokenizeTensor(List.of("a dog", "a cat"), 8);
        assertArrayEquals(new long[] {2, 8}, t.shape());
        assertArrayEquals(new long[] {49406, 320, 1929, 49407, 0, 0, 0, 0, 49406, 320, 2368, 49407, 0, 0, 0, 0},
                Ops.toLongs(t));
        assertEquals(torch.ScalarType.Long, t.scalar_type().intern());
    }

    @Test
    void unicodeRoundTripsThroughBytes() {
        for (String s : List.of("a 🐱 on a mat", "ÅNGSTRÖM café naïve ñandú", "猫の写真 と 犬",
                "emoji 👩‍🚀 and flags 🇫🇷", "mixed ... !? — « » ¿ 1 %", "Ελληνικά ΣΟΦΟΣ")) {
            assertEquals(Pretokenizer.clean(s), CLIP.decode(CLIP.encode(s)), s);
        }
    }

    @Test
    void randomStringsRoundTripUpToSpacesBetweenPieces() {
        Random random = new Random(7);
        for (int n = 0; n < 300; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(30); i > 0; i--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> 0xA0 + random.nextInt(0x600);
                    case 2 -> 0x3000 + random.nextInt(0x7000);
                    default -> 0x1F300 + random.nextInt(0x300);
                };
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            String decoded = CLIP.decode(CLIP.encode(s));
            assertEquals(Pretokenizer.clean(s).replace(" ", ""), decoded.replace(" ", ""), s);
        }
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        assertEquals("a dog", CLIP.decode(new int[] {320, 1929}));
        assertThrows(IllegalArgumentException.class, () -> CLIP.decode(new int[] {49408}));
        assertThrows(IllegalArgumentException.class, () -> CLIP.tokens(new int[] {-1}));
    }

    @Test
    void loadReadsTheSharedFileLikeTheResource() throws Exception {
        BpeTokenizer shared = BpeTokenizer.load(SHARED_MERGES);
        assertEquals(49408, shared.vocabSize());
        assertArrayEquals(CLIP.encode("a diagram of a dog"), shared.encode("a diagram of a dog"));
    }
}
