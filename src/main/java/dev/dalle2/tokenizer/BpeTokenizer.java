package dev.dalle2.tokenizer;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level byte-pair-encoding tokenizer, giving the same ids as openai/CLIP's
 * {@code simple_tokenizer.py} for ordinary text. Text is {@link Pretokenizer#clean cleaned} and
 * {@link Pretokenizer#split split}; each piece's UTF-8 bytes become {@link ByteUnicode} characters,
 * the last one marked with {@code </w>}, and merges are applied lowest rank first until none applies.
 *
 * <p>The vocabulary is CLIP's: the 256 byte characters, the same with {@code </w>}, each merge's
 * result in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>}. Any text encodes,
 * since every byte is a token. Instances are thread-safe.
 */
public final class BpeTokenizer {
    private static final String END_OF_WORD = "</w>";
    private static final String START_TEXT = "<|startoftext|>";
    private static final String END_TEXT = "<|endoftext|>";
    private static final int CACHE_LIMIT = 200_000;

    private final String[] vocab;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** A tokenizer for {@code merges}; fails when a merge joins a symbol that no earlier entry defines. */
    public BpeTokenizer(Merges merges) {
        List<String> tokens = new ArrayList<>(512 + merges.size() + 2);
        for (int i = 0; i < 256; i++) {
            tokens.add(String.valueOf(ByteUnicode.charAt(i)));
        }
        for (int i = 0; i < 256; i++) {
            tokens.add(ByteUnicode.charAt(i) + END_OF_WORD);
        }
        for (String t : tokens) {
            ids.put(t, ids.size());
        }
        int rank = 0;
        for (Merges.Merge m : merges.list()) {
            if (!ids.containsKey(m.left()) || !ids.containsKey(m.right())) {
                throw new IllegalArgumentException("merge " + (rank + 1) + " ('" + m.left() + " " + m.right()
                        + "') uses a symbol that no earlier merge makes");
            }
            ranks.put(pairKey(m.left(), m.right()), rank++);
            ids.put(m.joined(), tokens.size());
            tokens.add(m.joined());
        }
        ids.put(START_TEXT, tokens.size());
        tokens.add(START_TEXT);
        ids.put(END_TEXT, tokens.size());
        tokens.add(END_TEXT);
        vocab = tokens.toArray(String[]::new);
    }

    /** Loads a merge file in CLIP's format, plain or gzip (see {@link Merges#read(Path)}). */
    public static BpeTokenizer load(Path mergesFile) throws IOException {
        return new BpeTokenizer(Merges.read(mergesFile));
    }

    /** CLIP's own tokenizer (49,408 tokens), from the merge file shipped with this library; loaded once. */
    public static BpeTokenizer clip() {
        return Clip.INSTANCE;
    }

    private static final class Clip {
        static final BpeTokenizer INSTANCE = loadClip();

        private static BpeTokenizer loadClip() {
            String name = "bpe_simple_vocab_16e6.txt.gz";
            try (InputStream in = BpeTokenizer.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                return new BpeTokenizer(Merges.read(in, name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The token ids of {@code text}, without start and end tokens. */
    public int[] encode(String text) {
        List<String> pieces = Pretokenizer.split(Pretokenizer.clean(text));
        int[][] parts = new int[pieces.size()][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = encodePiece(pieces.get(i));
            total += parts[i].length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * The text of {@code ids}: their bytes decoded as UTF-8 (malformed sequences become U+FFFD),
     * with a space after each end-of-word token, trimmed. Padding zeros are not skipped: pass the
     * ids up to the end token.
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String token = token(id);
            boolean endOfWord = token.endsWith(END_OF_WORD);
            int length = endOfWord ? token.length() - END_OF_WORD.length() : token.length();
            for (int i = 0; i < length; i++) {
                bytes.write(ByteUnicode.decode(token.charAt(i)));
            }
            if (endOfWord) {
                bytes.write(' ');
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }

    /**
     * Each text as {@code contextLength} ids: start token, the text's ids, end token, then zeros.
     * A text that does not fit is cut to {@code contextLength} ids whose last is the end token.
     */
    public long[][] tokenize(List<String> texts, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        long[][] out = new long[texts.size()][contextLength];
        for (int b = 0; b < out.length; b++) {
            int[] ids = encode(texts.get(b));
            int n = Math.min(ids.length, contextLength - 2);
            out[b][0] = startToken();
            for (int i = 0; i < n; i++) {
                out[b][i + 1] = ids[i];
            }
            out[b][Math.min(ids.length + 1, contextLength - 1)] = endToken();
        }
        return out;
    }

    /** {@link #tokenize} as an int64 tensor [B, contextLength] on the engine's device. */
    public Tensor tokenizeTensor(List<String> texts, int contextLength) {
        long[][] rows = tokenize(texts, contextLength);
        long[] flat = new long[rows.length * contextLength];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, flat, b * contextLength, contextLength);
        }
        return Ops.longTensor(flat, rows.length, contextLength);
    }

    /** The token strings of {@code ids} (byte characters, {@code </w>} marking a word's end). */
    public List<String> tokens(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(token(id));
        }
        return out;
    }

    public int vocabSize() {
        return vocab.length;
    }

    public int startToken() {
        return vocab.length - 2;
    }

    public int endToken() {
        return vocab.length - 1;
    }

    private String token(int id) {
        if (id < 0 || id >= vocab.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab.length);
        }
        return vocab[id];
    }

    private int[] encodePiece(String piece) {
        if (piece.equals(START_TEXT) || piece.equals(END_TEXT)) {
            return new int[] {ids.get(piece)};
        }
        String chars = ByteUnicode.encode(piece.getBytes(StandardCharsets.UTF_8));
        int[] cached = cache.get(chars);
        if (cached != null) {
            return cached;
        }
        List<String> symbols = mergeSymbols(chars);
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(symbols.get(i));
        }
        if (cache.size() < CACHE_LIMIT) {
            cache.put(chars, out);
        }
        return out;
    }

    /** Applies the merges to one word, always the lowest-ranked pair present, every occurrence left to right. */
    private List<String> mergeSymbols(String chars) {
        List<String> word = new ArrayList<>(chars.length());
        for (int i = 0; i < chars.length(); i++) {
            word.add(String.valueOf(chars.charAt(i)));
        }
        word.set(word.size() - 1, word.get(word.size() - 1) + END_OF_WORD);
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = ranks.get(pairKey(word.get(i), word.get(i + 1)));
                if (rank != null && rank < best) {
                    best = rank;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            String left = word.get(bestAt);
            String right = word.get(bestAt + 1);
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(left) && word.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    /** Symbols never contain a space, so joining with one keys a pair uniquely. */
    private static String pairKey(String left, String right) {
        return left + ' ' + right;
    }
}
