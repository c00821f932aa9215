package dev.dalle2.train;

import dev.dalle2.data.CaptionDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds contrastive batches out of groups of related concepts, so that every example meets hard
 * negatives: in random batches "man technologist" almost never meets "woman technologist" or
 * "technologist", and CLIP never has to learn what tells them apart.
 *
 * <p>Two concepts are related by the overlap of the words of their names ({@link #mostRelated}).
 * Each group of {@code groupSize} consecutive batch positions keeps the concept of its first example
 * (the anchor, from the trainer's random order) and replaces the others with concepts drawn from
 * the anchor's {@code 2·(groupSize − 1)} most related ones, or at random when too few share a
 * word. Concepts are drawn in proportion to their number of training images, as random batches
 * draw them, and each is shown by one of its images at random (a random style). Every concept
 * appears at most once per batch, so the diagonal of CLIP's similarity matrix stays the only right
 * answer.
 */
final class RelatedConceptBatches {
    private final int groupSize;
    private final int[] train;
    /** Training entries of each concept, by concept number. */
    private final int[][] entriesOf;
    /** The concept number of every dataset entry used in training (others: -1). */
    private final int[] conceptOfEntry;
    /** Each concept's most related concepts, most related first. */
    private final int[][] related;

    /**
     * @param train     the dataset entries that batches may use
     * @param groupSize how many related concepts make one group, at least 2
     */
    RelatedConceptBatches(CaptionDataset data, int[] train, int groupSize) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("related-concept groups need at least 2 concepts, got " + groupSize);
        }
        this.groupSize = groupSize;
        this.train = train.clone();
        Map<String, List<Integer>> byConcept = new LinkedHashMap<>();
        for (int entry : train) {
            byConcept.computeIfAbsent(data.entry(entry).concept(), c -> new ArrayList<>()).add(entry);
        }
        if (byConcept.size() < groupSize) {
            throw new IllegalArgumentException("related-concept groups of " + groupSize + " need at least as many "
                    + "concepts, the training split has " + byConcept.size());
        }
        List<String> names = new ArrayList<>(byConcept.keySet());
        entriesOf = new int[names.size()][];
        conceptOfEntry = new int[data.size()];
        Arrays.fill(conceptOfEntry, -1);
        for (int c = 0; c < names.size(); c++) {
            entriesOf[c] = byConcept.get(names.get(c)).stream().mapToInt(Integer::intValue).toArray();
            for (int entry : entriesOf[c]) {
                conceptOfEntry[entry] = c;
            }
        }
        related = mostRelated(names, 2 * (groupSize - 1));
    }

    /** The words of a concept's name, lower-cased: "man: medium-dark skin tone" → {man, medium, dark, skin, tone}. */
    static Set<String> words(String name) {
        Set<String> words = new HashSet<>();
        for (String w : name.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    /**
     * For each name, up to {@code count} others with the highest word overlap, ties by name order;
     * names that share no word are never related. The overlap is Jaccard's with each word weighted
     * by its inverse document frequency ln(N / names with it), so that a shared rare word
     * ("technologist") counts for more than a common one ("skin"): the variants of one emoji by skin
     * tone and gender come before other emoji of the same tone.
     */
    static int[][] mostRelated(List<String> names, int count) {
        int n = names.size();
        List<int[]> wordIds = new ArrayList<>(n);
        Map<String, Integer> vocabulary = new HashMap<>();
        for (String name : names) {
            wordIds.add(words(name).stream().mapToInt(w -> vocabulary.computeIfAbsent(w, k -> vocabulary.size()))
                    .toArray());
        }
        List<List<Integer>> postings = new ArrayList<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            postings.add(new ArrayList<>());
        }
        for (int c = 0; c < n; c++) {
            for (int w : wordIds.get(c)) {
                postings.get(w).add(c);
            }
        }
        double[] idf = new double[vocabulary.size()];
        for (int w = 0; w < idf.length; w++) {
            idf[w] = Math.log((double) n / postings.get(w).size());
        }
        double[] weight = new double[n];
        for (int c = 0; c < n; c++) {
            for (int w : wordIds.get(c)) {
                weight[c] += idf[w];
            }
        }
        int[][] out = new int[n][];
        double[] shared = new double[n];
        for (int c = 0; c < n; c++) {
            Arrays.fill(shared, 0);
            for (int w : wordIds.get(c)) {
                for (int d : postings.get(w)) {
                    shared[d] += idf[w];
                }
            }
            double[] score = new double[n];
            List<Integer> others = new ArrayList<>();
            for (int d = 0; d < n; d++) {
                if (d != c && shared[d] > 0) {
                    score[d] = shared[d] / (weight[c] + weight[d] - shared[d]);
                    others.add(d);
                }
            }
            others.sort(Comparator.<Integer>comparingDouble(d -> -score[d]).thenComparingInt(d -> d));
            out[c] = others.subList(0, Math.min(count, others.size())).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /**
     * Recomposes a batch of training entries in place of {@code entries} (same length): group g keeps
     * the concept of {@code entries[g·groupSize]} and fills the rest with related concepts not yet in
     * the batch (random ones where the related are used up); a trailing partial group is filled the
     * same way. {@code random} draws the related concepts and each concept's image.
     */
    int[] compose(int[] entries, Random random) {
        int[] out = new int[entries.length];
        Set<Integer> used = new HashSet<>();
        for (int start = 0; start < entries.length; start += groupSize) {
            int anchor = conceptOfEntry[entries[start]];
            if (anchor < 0) {
                throw new IllegalArgumentException("entry " + entries[start] + " is not in the training split");
            }
            if (!used.add(anchor)) {
                anchor = unusedConcept(used, random);
            }
            out[start] = pick(anchor, random);
            List<Integer> candidates = new ArrayList<>();
            for (int c : related[anchor]) {
                if (!used.contains(c)) {
                    candidates.add(c);
                }
            }
            for (int i = start + 1; i < Math.min(start + groupSize, entries.length); i++) {
                int concept = candidates.isEmpty() ? unusedConcept(used, random) : takeWeighted(candidates, random);
                used.add(concept);
                out[i] = pick(concept, random);
            }
        }
        return out;
    }

    /** Removes and returns one of {@code candidates}, each as likely as its number of training images. */
    private int takeWeighted(List<Integer> candidates, Random random) {
        int total = 0;
        for (int c : candidates) {
            total += entriesOf[c].length;
        }
        int r = random.nextInt(total);
        for (int k = 0; ; k++) {
            r -= entriesOf[candidates.get(k)].length;
            if (r < 0) {
                return candidates.remove(k);
            }
        }
    }

    /** A concept not yet in the batch, drawn as a random training image's concept; marks it used. */
    private int unusedConcept(Set<Integer> used, Random random) {
        if (used.size() >= entriesOf.length) {
            throw new IllegalArgumentException("a batch of distinct concepts cannot be larger than the "
                    + entriesOf.length + " concepts of the training split");
        }
        int c;
        do {
            c = conceptOfEntry[train[random.nextInt(train.length)]];
        } while (used.contains(c));
        used.add(c);
        return c;
    }

    private int pick(int concept, Random random) {
        int[] entries = entriesOf[concept];
        return entries[random.nextInt(entries.length)];
    }
}
