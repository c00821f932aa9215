package dev.dalle2.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distinct labels of some dataset entries, what retrieval is scored against: an entry's
 * {@code concept} when the dataset names one (an emoji's name, shared by its skin tones and image
 * sets), otherwise its first caption. A label's texts are the distinct captions of all its entries
 * (an emoji's templates: "an emoji of a red apple", "red apple: fruit, food", …), the first entry's
 * first caption first.
 *
 * @param names      the distinct labels, in order of first appearance
 * @param captions   the texts of each label
 * @param firstEntry the dataset index of each label's first entry
 * @param labelOf    for each of the given entries, the index of its label
 */
public record Labels(List<String> names, List<List<String>> captions, int[] firstEntry, long[] labelOf) {
    public static Labels of(CaptionDataset data, int[] entries) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Set<String>> captions = new ArrayList<>();
        int[] first = new int[entries.length];
        long[] labelOf = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            CaptionDataset.Entry e = data.entry(entries[i]);
            String name = e.concept() != null ? e.concept() : e.caption();
            Integer label = index.get(name);
            if (label == null) {
                label = captions.size();
                index.put(name, label);
                captions.add(new LinkedHashSet<>());
                first[label] = entries[i];
            }
            captions.get(label).addAll(e.captions());
            labelOf[i] = label;
        }
        return new Labels(List.copyOf(index.keySet()), captions.stream().map(List::copyOf).toList(),
                Arrays.copyOf(first, captions.size()), labelOf);
    }

    public int size() {
        return names.size();
    }
}
