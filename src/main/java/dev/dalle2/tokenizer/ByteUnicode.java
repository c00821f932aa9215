package dev.dalle2.tokenizer;

import java.util.Arrays;

/**
 * CLIP's reversible byte-to-character table ({@code bytes_to_unicode}): printable Latin-1 bytes
 * ({@code !}..{@code ~}, {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) stand for themselves, and the
 * remaining 68 bytes map in order to U+0100 onwards, so every byte string becomes a string of
 * visible characters without white space. {@link #charAt(int) charAt(i)} for i = 0..255 also gives
 * the order of the first 256 vocabulary entries.
 */
final class ByteUnicode {
    private static final char[] ORDER = new char[256];
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                ORDER[n++] = (char) b;
                BYTE_TO_CHAR[b] = (char) b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + extra++);
                ORDER[n++] = BYTE_TO_CHAR[b];
            }
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicode() {}

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The i-th character in CLIP's vocabulary order, i = 0..255. */
    static char charAt(int i) {
        return ORDER[i];
    }

    /** The characters standing for {@code bytes}, one per byte. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the table. */
    static int decode(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }
}
