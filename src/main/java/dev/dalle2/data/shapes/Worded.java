package dev.dalle2.data.shapes;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An attribute value named by its caption word or words, e.g. "red" or "left of". */
public interface Worded {
    /** The word or words that name this value in captions and in {@code captions.jsonl}. */
    String word();

    /** The value of {@code values} named {@code word}; otherwise an exception naming {@code what} and every known word. */
    static <E extends Worded> E byWord(E[] values, String word, String what) {
        for (E value : values) {
            if (value.word().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + word + "' (known: " + words(values) + ")");
    }

    /** The words of {@code values}, comma separated. */
    static String words(Worded[] values) {
        return Arrays.stream(values).map(Worded::word).collect(Collectors.joining(", "));
    }
}
