package dev.dalle2.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The caption grammar of the shapes set: {@code OBJECT [RELATION OBJECT] [on a BACKGROUND background]}
 * where {@code OBJECT} is {@code a SIZE COLOUR SHAPE}, e.g. "a small red circle above a large blue
 * square on a light grey background".
 */
final class ShapeCaptions {
    private ShapeCaptions() {}

    static String caption(ShapeAttributes a, boolean withBackground) {
        StringBuilder text = new StringBuilder(object(a.shapes().get(0)));
        if (a.relation() != null) {
            text.append(' ').append(a.relation().word()).append(' ').append(object(a.shapes().get(1)));
        }
        if (withBackground || a.background() != Background.WHITE) {
            text.append(" on a ").append(a.background().word()).append(" background");
        }
        return text.toString();
    }

    /** The attributes of {@code caption}; an exception naming the caption and the word not understood otherwise. */
    static ShapeAttributes parse(String caption) {
        Cursor c = new Cursor(caption);
        ShapeAttributes attributes = read(c);
        if (attributes == null) {
            throw new IllegalArgumentException("caption \"" + caption + "\": " + c.problem);
        }
        return attributes;
    }

    /** The attributes of {@code caption}, or empty when it is not a caption of this grammar. */
    static Optional<ShapeAttributes> tryParse(String caption) {
        return Optional.ofNullable(read(new Cursor(caption)));
    }

    /** The attributes the cursor's caption writes, or null with the cursor's {@code problem} saying why not. */
    private static ShapeAttributes read(Cursor c) {
        ShapeSpec first = c.object();
        if (first == null) {
            return null;
        }
        List<ShapeSpec> shapes = new ArrayList<>(List.of(first));
        Relation relation = null;
        if (!c.atEnd() && !c.next().equals("on")) {
            relation = c.take(Relation.values(), "relation");
            ShapeSpec second = relation == null ? null : c.object();
            if (second == null) {
                return null;
            }
            shapes.add(second);
        }
        Background background = Background.WHITE;
        if (!c.atEnd()) {
            background = c.expect("on") && c.expect("a") ? c.take(Background.values(), "background") : null;
            if (background == null || !c.expect("background")) {
                return null;
            }
        }
        if (!c.atEnd()) {
            return c.fail("unexpected '" + c.rest + "' at the end");
        }
        return ShapeLayout.nominal(new ShapeAttributes(shapes, relation, background));
    }

    private static String object(ShapeSpec s) {
        return "a " + s.size().word() + " " + s.colour().word() + " " + s.shape().word();
    }

    /**
     * The unread part of a caption, normalised to lower case with single spaces and no final full stop; a step that
     * does not fit the grammar returns null (or false) and leaves in {@code problem} what was wrong.
     */
    private static final class Cursor {
        private String rest;
        private String problem;

        Cursor(String caption) {
            this.rest = caption.strip().toLowerCase(Locale.ROOT).replaceAll("\\.$", "").replaceAll("\\s+", " ");
        }

        ShapeSpec object() {
            if (!atEnd() && next().equals("an")) {
                advance("an");
            } else if (!expect("a")) {
                return null;
            }
            ShapeSize size = take(ShapeSize.values(), "size");
            ShapeColour colour = size == null ? null : take(ShapeColour.values(), "colour");
            ShapeType shape = colour == null ? null : take(ShapeType.values(), "shape");
            return shape == null ? null : new ShapeSpec(shape, colour, size, 0.5, 0.5, size.extent(1));
        }

        boolean atEnd() {
            return rest.isEmpty();
        }

        String next() {
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }

        boolean expect(String word) {
            if (atEnd() || !next().equals(word)) {
                fail("expected '" + word + "' but " + (atEnd() ? "the caption ended" : "found '" + next() + "'"));
                return false;
            }
            advance(word);
            return true;
        }

        <E extends Worded> E take(E[] values, String what) {
            for (E value : values) {
                if (rest.equals(value.word()) || rest.startsWith(value.word() + " ")) {
                    advance(value.word());
                    return value;
                }
            }
            if (atEnd()) {
                return fail("expected a " + what + " (" + Worded.words(values) + ") but the caption ended");
            }
            return fail("unknown " + what + " '" + next() + "' (known: " + Worded.words(values) + ")");
        }

        private void advance(String words) {
            rest = rest.substring(words.length()).stripLeading();
        }

        /** Records {@code message} as the problem and returns null, for a step that failed. */
        <T> T fail(String message) {
            problem = message;
            return null;
        }
    }
}
