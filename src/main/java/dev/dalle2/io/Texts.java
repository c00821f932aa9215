package dev.dalle2.io;

/**
 * How a value given by a user (a prompt, a key, a recipe's string) is echoed in an error line: at most
 * {@link #MAX_SHOWN} characters, with line breaks written as {@code \n}, so that the line stays one
 * short line however long the value is.
 */
public final class Texts {
    /** The longest value echoed whole. */
    public static final int MAX_SHOWN = 60;

    private Texts() {}

    /**
     * {@code text} if it has at most {@link #MAX_SHOWN} characters, otherwise its start, "…" and its length,
     * e.g. {@code a red star a red star … (10000 characters)}; line breaks are escaped.
     */
    public static String shorten(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text;
        if (text.length() > MAX_SHOWN) {
            int cut = Character.isHighSurrogate(text.charAt(MAX_SHOWN - 1)) ? MAX_SHOWN - 1 : MAX_SHOWN;
            shown = text.substring(0, cut) + "… (" + text.length() + " characters)";
        }
        return shown.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** {@link #shorten} in double quotes: {@code "lots"}. */
    public static String quoted(String text) {
        return text == null ? "null" : "\"" + shorten(text) + "\"";
    }
}
