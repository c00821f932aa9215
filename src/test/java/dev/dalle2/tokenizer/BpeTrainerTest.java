package dev.dalle2.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class BpeTrainerTest {
    /** low ×5, lower ×2, newest ×6, widest ×3 (Sennrich et al.'s example). */
    private static final List<String> CORPUS = List.of(
            "low low low low low", "Lower lower", "newest newest newest", "newest newest newest",
            "widest, widest", "WIDEST");

    private static List<String> strings(Merges merges) {
        return merges.list().stream().map(m -> m.left() + " " + m.right()).toList();
    }

    @Test
    void firstMergesMatchAHandCount() {
        // Pairs: e s 9, s t</w> 9, w e 8, l o 7, n e 6, e w 6, o w</w> 5, ...; ties go to the smaller left symbol.
        // 1. e s (9, ties with s t</w>)  2. es t</w> (9)  3. l o (7)  4. e w (6, ties with n e and w est</w>)
        // 5. ew est</w> (6, ties with n ew)
        Merges merges = BpeTrainer.train(CORPUS, 514 + 5);
        assertEquals(List.of("e s", "es t</w>", "l o", "e w", "ew est</w>"), strings(merges));
    }

    @Test
    void savedMergesLoadBackIntoATokenizer(@TempDir Path dir) throws IOException {
        Merges merges = BpeTrainer.train(CORPUS, 519);
        for (String name : List.of("merges.txt", "merges.txt.gz")) {
            Path file = dir.resolve(name);
            merges.save(file);
            assertEquals(merges.list(), Merges.read(file).list());
            BpeTokenizer tokenizer = BpeTokenizer.load(file);
            assertEquals(519, tokenizer.vocabSize());
            assertEquals(517, tokenizer.startToken());
            // 'n' is byte-table entry 'n' - '!' = 77; "ewest</w>" is the 5th merge, 512 + 4.
            assertArrayEquals(new int[] {77, 516}, tokenizer.encode("newest"));
            assertEquals(List.of("lo", "w", "est</w>"), tokenizer.tokens(tokenizer.encode("lowest")));
            assertEquals("newest lowest 🐱", tokenizer.decode(tokenizer.encode("Newest lowest 🐱")));
        }
        assertTrue(Files.readString(dir.resolve("merges.txt")).startsWith("#version: 0.2\ne s\nes t</w>\n"));
    }

    @Test
    void stopsWhenEveryWordIsOneSymbol() {
        Merges merges = BpeTrainer.train(CORPUS, BpeTrainer.MAX_VOCAB);
        BpeTokenizer tokenizer = new BpeTokenizer(merges);
        for (String word : List.of("low", "lower", "newest", "widest", ",")) {
            assertEquals(List.of(word + "</w>"), tokenizer.tokens(tokenizer.encode(word)), word);
        }
    }

    @Test
    void rejectsVocabularySizesOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(CORPUS, 513));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(CORPUS, BpeTrainer.MAX_VOCAB + 1));
        assertEquals(0, BpeTrainer.train(CORPUS, 514).size());
    }

    @Test
    void incrementalCountsAgreeWithRecountingEveryStep() {
        List<String> captions = randomCaptions(new Random(3), 400);
        Merges merges = BpeTrainer.train(captions, 514 + 150);
        assertEquals(150, merges.size());
        assertEquals(naiveMerges(captions, 150), strings(merges));
    }

    @Test
    void fiftyThousandCaptionsTrainQuickly() {
        List<String> captions = randomCaptions(new Random(5), 50_000);
        long start = System.nanoTime();
        Merges merges = BpeTrainer.train(captions, 2000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2000 - 514, merges.size());
        assertTrue(seconds < 30, "took " + seconds + " s");
    }

    /** Captions of made-up words whose letter frequencies are skewed, so pair counts differ. */
    private static List<String> randomCaptions(Random random, int n) {
        String letters = "eeeeaaattoonnssrrhhlldcumwfgypbvk";
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 2 + random.nextInt(7); k > 0; k--) {
                w.append(letters.charAt(random.nextInt(letters.length())));
            }
            words.add(w.toString());
        }
        List<String> captions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder c = new StringBuilder();
            for (int k = 3 + random.nextInt(8); k > 0; k--) {
                int index = (int) Math.min(words.size() - 1, Math.abs(random.nextGaussian()) * 300);
                c.append(words.get(index)).append(random.nextInt(10) == 0 ? ", " : " ");
            }
            captions.add(c.toString());
        }
        return captions;
    }

    /** The textbook algorithm: recount every pair of every word before each merge. */
    private static List<String> naiveMerges(List<String> captions, int count) {
        Map<List<String>, Integer> words = new HashMap<>();
        for (String caption : captions) {
            for (String piece : Pretokenizer.split(Pretokenizer.clean(caption))) {
                List<String> symbols = new ArrayList<>();
                for (char ch : piece.toCharArray()) {
                    symbols.add(String.valueOf(ch));
                }
                symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
                words.merge(symbols, 1, Integer::sum);
            }
        }
        List<String> merges = new ArrayList<>();
        while (merges.size() < count) {
            Map<List<String>, Integer> pairs = new HashMap<>();
            words.forEach((w, f) -> {
                for (int i = 0; i + 1 < w.size(); i++) {
                    pairs.merge(List.of(w.get(i), w.get(i + 1)), f, Integer::sum);
                }
            });
            List<String> best = Collections.min(pairs.entrySet(), (x, y) -> {
                int c = Integer.compare(y.getValue(), x.getValue());
                c = c != 0 ? c : x.getKey().get(0).compareTo(y.getKey().get(0));
                return c != 0 ? c : x.getKey().get(1).compareTo(y.getKey().get(1));
            }).getKey();
            merges.add(best.get(0) + " " + best.get(1));
            Map<List<String>, Integer> next = new HashMap<>();
            words.forEach((w, f) -> {
                List<String> merged = new ArrayList<>();
                for (int i = 0; i < w.size(); i++) {
                    if (i + 1 < w.size() && w.get(i).equals(best.get(0)) && w.get(i + 1).equals(best.get(1))) {
                        merged.add(best.get(0) + best.get(1));
                        i++;
                    } else {
                        merged.add(w.get(i));
                    }
                }
                next.merge(merged, f, Integer::sum);
            });
            words = next;
        }
        return merges;
    }
}
