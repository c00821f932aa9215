package dev.dalle2.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct labels of some dataset entries, what retrieval is scored against: an entry's
 * {@code concept} when the dataset names one (an emoji's name, shared by its skin tones and image
 * sets), otherwise its first caption. Each label is written as the first caption of its first entry.
 *
 * @param names      the distinct labels, in order of first appearance
 * @param texts      the text of each label: its first entry's first caption
 * @param firstEntry the dataset index of each label's first entry
 * @param labelOf    for each of the given entries, the index of its label
 */
public record Labels(List<String> names, List<String> texts, int[] firstEntry, long[] labelOf) {
    public static Labels of(CaptionDataset data, int[] entries) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>();
        int[] first = new int[entries.length];
        long[] labelOf = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            CaptionDataset.Entry e = data.entry(entries[i]);
            String name = e.concept() != null ? e.concept() : e.caption();
            Integer label = index.get(name);
            if (label == null) {
                label = texts.size();
                index.put(name, label);
                texts.add(e.caption());
                first[label] = entries[i];
            }
            labelOf[i] = label;
        }
        return new Labels(List.copyOf(index.keySet()), List.copyOf(texts), Arrays.copyOf(first, texts.size()), labelOf);
    }

    public int size() {
        return names.size();
    }
}
