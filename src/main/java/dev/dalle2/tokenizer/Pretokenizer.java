package dev.dalle2.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text preparation before byte-pair encoding: {@link #clean} (NFC, HTML entities, white
 * space, lower case) and {@link #split} into the pieces that are encoded one by one. CLIP also runs
 * ftfy, which repairs mis-decoded text; that step is left out, so only broken input can differ.
 */
public final class Pretokenizer {
    /** CLIP's splitting pattern: special tokens, English contractions, letter runs, single digits, other runs. */
    private static final Pattern PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.UNICODE_CHARACTER_CLASS);
    /** Python's {@code \s}: Unicode white space plus the information separators U+001C..U+001F. */
    private static final Pattern WHITE_SPACE = Pattern.compile("[\\s\\x1c-\\x1f]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);");
    private static final Map<String, String> NAMED = Map.of(
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");

    private Pretokenizer() {}

    /**
     * The text as CLIP encodes it: NFC-normalised, HTML entities unescaped twice (the common named
     * ones and numeric references), white space runs collapsed to one space, trimmed and lower-cased.
     */
    public static String clean(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFC);
        s = unescapeHtml(unescapeHtml(s));
        s = WHITE_SPACE.matcher(s).replaceAll(" ").strip();
        return s.toLowerCase(Locale.ROOT);
    }

    /** The pieces of already {@link #clean cleaned} text, in order; the spaces between them are dropped. */
    public static List<String> split(String cleaned) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PIECES.matcher(cleaned);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }

    private static String unescapeHtml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return ENTITY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(entity(m.group(1), m.group())));
    }

    private static String entity(String name, String whole) {
        if (name.charAt(0) != '#') {
            return NAMED.getOrDefault(name, whole);
        }
        boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
        int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
        boolean valid = cp > 0 && cp <= Character.MAX_CODE_POINT && !(cp >= 0xD800 && cp <= 0xDFFF);
        return valid ? Character.toString(cp) : "\ufffd";
    }
}
