package dev.dalle2.data.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about one shapes image: one or two shapes, the relation of the first to the
 * second (null for one shape) and the background.
 *
 * <p>The conditioning vector ({@link #toVector()}, {@link #vectorSize()} = 42 floats) is, in order:
 * two slots of {@link #SLOT} = 17 floats, one per shape (the second all zero for one shape), each
 * [present, shape one-hot ({@link ShapeType} order, 6), colour one-hot ({@link ShapeColour} order, 8),
 * size one-hot ({@link ShapeSize} order, 2)]; then the relation one-hot ({@link Relation} order, 4,
 * all zero for one shape); then the background one-hot ({@link Background} order, 4). Positions
 * are not in the vector: captions do not give them.
 */
public record ShapeAttributes(List<ShapeSpec> shapes, Relation relation, Background background) {
    /** Floats per shape slot in the conditioning vector. */
    public static final int SLOT = 1 + ShapeType.values().length + ShapeColour.values().length + ShapeSize.values().length;
    private static final int SLOTS = 2;

    public ShapeAttributes {
        shapes = List.copyOf(shapes);
        Objects.requireNonNull(background, "background");
        if (shapes.isEmpty() || shapes.size() > SLOTS) {
            throw new IllegalArgumentException("an image holds one or two shapes, got " + shapes.size());
        }
        if ((relation == null) != (shapes.size() == 1)) {
            throw new IllegalArgumentException("a relation is needed for two shapes and only for two shapes");
        }
    }

    /** The length of {@link #toVector()}. */
    public static int vectorSize() {
        return SLOTS * SLOT + Relation.values().length + Background.values().length;
    }

    /** The fixed-length conditioning vector described in the class comment. */
    public float[] toVector() {
        float[] v = new float[vectorSize()];
        for (int i = 0; i < shapes.size(); i++) {
            ShapeSpec s = shapes.get(i);
            int at = i * SLOT;
            v[at] = 1;
            at += 1;
            v[at + s.shape().ordinal()] = 1;
            at += ShapeType.values().length;
            v[at + s.colour().ordinal()] = 1;
            at += ShapeColour.values().length;
            v[at + s.size().ordinal()] = 1;
        }
        int at = SLOTS * SLOT;
        if (relation != null) {
            v[at + relation.ordinal()] = 1;
        }
        v[at + Relation.values().length + background.ordinal()] = 1;
        return v;
    }

    /**
     * The caption of these attributes, e.g. "a small red circle above a large blue square on a
     * beige background"; the background is named when asked or when it is not white.
     */
    public String caption(boolean withBackground) {
        return ShapeCaptions.caption(this, withBackground);
    }

    /**
     * The attributes a caption of the form {@link #caption(boolean)} writes, laid out as
     * {@link ShapeLayout#nominal(ShapeAttributes)} (the positions a caption implies on average).
     *
     * @throws IllegalArgumentException naming the caption and the word that is not understood
     */
    public static ShapeAttributes parse(String caption) {
        return ShapeCaptions.parse(caption);
    }

    /**
     * The attributes of {@code caption} when it is a caption of {@link #parse}'s grammar, as {@link #parse} reads
     * them; empty when it is not (a caption of another dataset, such as an emoji's).
     */
    public static Optional<ShapeAttributes> tryParse(String caption) {
        return ShapeCaptions.tryParse(caption);
    }

    /** The JSON form written to {@code captions.jsonl}: shapes [{shape, colour, size, x, y, extent}], relation, background. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode list = node.putArray("shapes");
        for (ShapeSpec s : shapes) {
            list.addObject().put("shape", s.shape().word()).put("colour", s.colour().word()).put("size", s.size().word())
                    .put("x", s.x()).put("y", s.y()).put("extent", s.extent());
        }
        node.put("relation", relation == null ? null : relation.word());
        node.put("background", background.word());
        return node;
    }

    /** The attributes of {@link #toJson()}'s form; a missing or unknown field gives an exception naming it. */
    public static ShapeAttributes fromJson(JsonNode node) {
        List<ShapeSpec> shapes = new ArrayList<>();
        for (JsonNode s : field(node, "shapes")) {
            shapes.add(new ShapeSpec(
                    Worded.byWord(ShapeType.values(), field(s, "shape").asText(), "shape"),
                    Worded.byWord(ShapeColour.values(), field(s, "colour").asText(), "colour"),
                    Worded.byWord(ShapeSize.values(), field(s, "size").asText(), "size"),
                    field(s, "x").asDouble(), field(s, "y").asDouble(), field(s, "extent").asDouble()));
        }
        JsonNode relation = node.get("relation");
        return new ShapeAttributes(shapes,
                relation == null || relation.isNull() ? null : Worded.byWord(Relation.values(), relation.asText(), "relation"),
                Worded.byWord(Background.values(), field(node, "background").asText(), "background"));
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("attributes: missing field '" + name + "'");
        }
        return value;
    }
}
