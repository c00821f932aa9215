package dev.dalle2.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    static ShapeAttributes parse(String caption) {
        Cursor c = new Cursor(caption);
        List<ShapeSpec> shapes = new ArrayList<>(List.of(c.object()));
        Relation relation = null;
        if (!c.atEnd() && !c.next().equals("on")) {
            relation = c.take(Relation.values(), "relation");
            shapes.add(c.object());
        }
        Background background = Background.WHITE;
        if (!c.atEnd()) {
            c.expect("on");
            c.expect("a");
            background = c.take(Background.values(), "background");
            c.expect("background");
        }
        if (!c.atEnd()) {
            throw c.error("unexpected '" + c.rest + "' at the end");
        }
        return ShapeLayout.nominal(new ShapeAttributes(shapes, relation, background));
    }

    private static String object(ShapeSpec s) {
        return "a " + s.size().word() + " " + s.colour().word() + " " + s.shape().word();
    }

    /** The unread part of a caption, normalised to lower case with single spaces and no final full stop. */
    private static final class Cursor {
        private final String caption;
        private String rest;

        Cursor(String caption) {
            this.caption = caption;
            this.rest = caption.strip().toLowerCase(Locale.ROOT).replaceAll("\\.$", "").replaceAll("\\s+", " ");
        }

        ShapeSpec object() {
            if (!atEnd() && next().equals("an")) {
                expect("an");
            } else {
                expect("a");
            }
            ShapeSize size = take(ShapeSize.values(), "size");
            ShapeColour colour = take(ShapeColour.values(), "colour");
            ShapeType shape = take(ShapeType.values(), "shape");
            return new ShapeSpec(shape, colour, size, 0.5, 0.5, size.extent(1));
        }

        boolean atEnd() {
            return rest.isEmpty();
        }

        String next() {
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }

        void expect(String word) {
            if (atEnd() || !next().equals(word)) {
                throw error("expected '" + word + "' but " + (atEnd() ? "the caption ended" : "found '" + next() + "'"));
            }
            advance(word);
        }

        <E extends Worded> E take(E[] values, String what) {
            for (E value : values) {
                if (rest.equals(value.word()) || rest.startsWith(value.word() + " ")) {
                    advance(value.word());
                    return value;
                }
            }
            if (atEnd()) {
                throw error("expected a " + what + " (" + Worded.words(values) + ") but the caption ended");
            }
            throw error("unknown " + what + " '" + next() + "' (known: " + Worded.words(values) + ")");
        }

        private void advance(String words) {
            rest = rest.substring(words.length()).stripLeading();
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException("caption \"" + caption + "\": " + message);
        }
    }
}
