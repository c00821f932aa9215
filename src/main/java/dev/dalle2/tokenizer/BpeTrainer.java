package dev.dalle2.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-pair merge list from captions the way CLIP's was made: captions are cleaned and
 * split like {@link BpeTokenizer} does, each distinct piece becomes byte characters with
 * {@code </w>} on the last, and the adjacent pair with the largest count (weighted by how often
 * its word occurs) is merged everywhere, again and again. Ties go to the pair whose left, then
 * right, symbol sorts first. Pair counts are updated only for the words a merge touches.
 */
public final class BpeTrainer {
    /** The vocabulary without merges: 512 byte tokens and the two special tokens. */
    public static final int BASE_VOCAB = 512 + 2;
    /** The largest vocabulary {@link BpeTokenizer#load} reads back: CLIP's. */
    public static final int MAX_VOCAB = BASE_VOCAB + Merges.CLIP_LIMIT;

    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final List<int[]> words = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    private final PriorityQueue<long[]> queue = new PriorityQueue<>(
            Comparator.<long[]>comparingLong(e -> -e[1])
                    .thenComparing(e -> symbols.get(left(e[0])))
                    .thenComparing(e -> symbols.get(right(e[0]))));

    private BpeTrainer() {}

    /**
     * Merges for a vocabulary of {@code vocabSize} = 514 + merges tokens; fewer when the captions
     * run out of pairs to merge.
     */
    public static Merges train(Iterable<String> captions, int vocabSize) {
        if (vocabSize < BASE_VOCAB || vocabSize > MAX_VOCAB) {
            throw new IllegalArgumentException("vocabulary size must be between " + BASE_VOCAB + " and " + MAX_VOCAB
                    + ", got " + vocabSize);
        }
        BpeTrainer trainer = new BpeTrainer();
        trainer.countWords(captions);
        return trainer.learn(vocabSize - BASE_VOCAB);
    }

    /**
     * The captions of {@code file} to learn from: the {@code "caption"} text field of every line of a
     * {@code .jsonl} file, or every line of any other file; blank lines are skipped. A {@code .jsonl} line
     * that is not JSON or has no caption text is an IOException naming the file and the line.
     */
    public static List<String> readCaptions(Path file) throws IOException {
        boolean json = file.getFileName().toString().endsWith(".jsonl");
        ObjectMapper mapper = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (!json) {
                texts.add(line);
                continue;
            }
            JsonNode caption;
            try {
                caption = mapper.readTree(line).get("caption");
            } catch (IOException e) {
                throw new IOException(file + " line " + lineNo + ": not JSON");
            }
            if (caption == null || !caption.isTextual()) {
                throw new IOException(file + " line " + lineNo + ": no \"caption\" text field");
            }
            texts.add(caption.asText());
        }
        return texts;
    }

    private void countWords(Iterable<String> captions) {
        Map<String, Integer> frequency = new LinkedHashMap<>();
        for (String caption : captions) {
            for (String piece : Pretokenizer.split(Pretokenizer.clean(caption))) {
                if (!piece.equals("<|startoftext|>") && !piece.equals("<|endoftext|>")) {
                    frequency.merge(ByteUnicode.encode(piece.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
                }
            }
        }
        frequency.forEach((chars, count) -> {
            int[] word = new int[chars.length()];
            for (int i = 0; i < word.length; i++) {
                String s = String.valueOf(chars.charAt(i));
                word[i] = symbol(i == word.length - 1 ? s + "</w>" : s);
            }
            words.add(word);
            counts.add(count);
            addPairs(words.size() - 1, word, +1);
        });
        pairCounts.forEach((pair, count) -> queue.add(new long[] {pair, count}));
    }

    private Merges learn(int wanted) {
        List<Merges.Merge> merges = new ArrayList<>(wanted);
        while (merges.size() < wanted && !queue.isEmpty()) {
            long[] top = queue.poll();
            if (pairCounts.getOrDefault(top[0], 0L) != top[1] || top[1] <= 0) {
                continue;
            }
            int a = left(top[0]);
            int b = right(top[0]);
            merges.add(new Merges.Merge(symbols.get(a), symbols.get(b)));
            apply(a, b, symbol(symbols.get(a) + symbols.get(b)));
        }
        return new Merges(merges);
    }

    /** Replaces every (a, b) by {@code ab} in the words that hold it and requeues the changed pairs. */
    private void apply(int a, int b, int ab) {
        Set<Long> changed = new HashSet<>();
        for (int w : pairWords.remove(pair(a, b))) {
            int[] word = words.get(w);
            int[] merged = new int[word.length];
            int n = 0;
            for (int i = 0; i < word.length; i++) {
                if (i + 1 < word.length && word[i] == a && word[i + 1] == b) {
                    merged[n++] = ab;
                    i++;
                } else {
                    merged[n++] = word[i];
                }
            }
            if (n == word.length) {
                continue;
            }
            int[] next = Arrays.copyOf(merged, n);
            changed.addAll(addPairs(w, word, -1));
            changed.addAll(addPairs(w, next, +1));
            words.set(w, next);
        }
        for (long p : changed) {
            long count = pairCounts.getOrDefault(p, 0L);
            if (count > 0) {
                queue.add(new long[] {p, count});
            }
        }
    }

    /** Adds (sign +1) or removes (-1) the pair counts of word {@code w}; returns the pairs touched. */
    private List<Long> addPairs(int w, int[] word, int sign) {
        List<Long> touched = new ArrayList<>(word.length);
        long weight = (long) sign * counts.get(w);
        for (int i = 0; i + 1 < word.length; i++) {
            long p = pair(word[i], word[i + 1]);
            long count = pairCounts.merge(p, weight, Long::sum);
            if (count == 0) {
                pairCounts.remove(p);
            }
            if (sign > 0) {
                pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            }
            touched.add(p);
        }
        return touched;
    }

    private int symbol(String s) {
        return symbolIds.computeIfAbsent(s, k -> {
            symbols.add(k);
            return symbols.size() - 1;
        });
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | b;
    }

    private static int left(long pair) {
        return (int) (pair >>> 32);
    }

    private static int right(long pair) {
        return (int) pair;
    }
}
