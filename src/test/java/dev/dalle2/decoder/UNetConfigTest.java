package dev.dalle2.decoder;

import dev.dalle2.io.BadValueException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Named construction of {@link UNetConfig} (issue 22): each builder method sets its own field, and the defaults. */
class UNetConfigTest {
    /** A valid architecture in which no field has its default. */
    private static final Map<String, Object> BASE = Map.ofEntries(
            Map.entry("imageSize", 16), Map.entry("inChannels", 3), Map.entry("outChannels", 2),
            Map.entry("modelChannels", 16), Map.entry("channelMult", List.of(1, 2)), Map.entry("numResBlocks", 1),
            Map.entry("attentionResolutions", List.of(8)), Map.entry("headWidth", 8), Map.entry("dropout", 0.1),
            Map.entry("condDim", 12), Map.entry("condTokens", 3), Map.entry("condScale", 8.0));
    /** Another valid value for each field. */
    private static final Map<String, Object> OTHER = Map.ofEntries(
            Map.entry("imageSize", 24), Map.entry("inChannels", 6), Map.entry("outChannels", 4),
            Map.entry("modelChannels", 24), Map.entry("channelMult", List.of(1, 3)), Map.entry("numResBlocks", 2),
            Map.entry("attentionResolutions", List.of(16, 4)), Map.entry("headWidth", 4), Map.entry("dropout", 0.2),
            Map.entry("condDim", 20), Map.entry("condTokens", 2), Map.entry("condScale", 2.5));

    /** {@code builder} after calling, for each entry, the builder method of that name with that value. */
    private static UNetConfig.Builder set(UNetConfig.Builder builder, Map<String, Object> values)
            throws ReflectiveOperationException {
        for (RecordComponent c : UNetConfig.class.getRecordComponents()) {
            if (values.containsKey(c.getName())) {
                UNetConfig.Builder.class.getMethod(c.getName(), c.getType()).invoke(builder, values.get(c.getName()));
            }
        }
        return builder;
    }

    @Test
    void everyBuilderMethodSetsTheFieldOfItsNameAndNoOther() throws ReflectiveOperationException {
        RecordComponent[] fields = UNetConfig.class.getRecordComponents();
        assertEquals(fields.length, BASE.size(), "a value for every field");
        assertEquals(fields.length, OTHER.size(), "another value for every field");
        UNetConfig base = set(UNetConfig.builder(), BASE).build();
        for (RecordComponent f : fields) {
            assertEquals(BASE.get(f.getName()), f.getAccessor().invoke(base), f.getName());
        }
        for (RecordComponent changed : fields) {
            Object value = OTHER.get(changed.getName());
            assertNotEquals(BASE.get(changed.getName()), value, changed.getName());
            UNetConfig built = set(base.toBuilder(), Map.of(changed.getName(), value)).build();
            for (RecordComponent f : fields) {
                Object expected = f.getName().equals(changed.getName()) ? value : BASE.get(f.getName());
                assertEquals(expected, f.getAccessor().invoke(built),
                        "toBuilder()." + changed.getName() + "(" + value + ") then " + f.getName());
            }
        }
    }

    /** The required fields of the emoji decoder. */
    private static UNetConfig.Builder decoder() {
        return UNetConfig.builder().imageSize(32).inChannels(3).modelChannels(64).channelMult(List.of(1, 2, 2))
                .numResBlocks(2).attentionResolutions(List.of(16, 8));
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        UNetConfig c = decoder().build();
        assertEquals(3, c.outChannels());
        assertEquals(64, c.headWidth());
        assertEquals(0.0, c.dropout());
        assertEquals(0, c.condDim());
        assertEquals(0, c.condTokens(), "no conditioning tokens without a conditioning embedding");
        assertEquals(1.0, c.condScale());
        assertEquals(4, decoder().condDim(128).build().condTokens(), "unCLIP's 4 tokens with a conditioning embedding");
        assertEquals(2, decoder().condTokens(2).condDim(128).build().condTokens(), "a given count is kept");
        assertEquals(0, decoder().condDim(128).condTokens(0).build().condTokens(), "0 given is kept");
        assertEquals(1.0, decoder().condScale(null).build().condScale(), "null stands for the default");
    }

    @Test
    void theFieldsThatShapeTheNetworkHaveNoDefault() throws ReflectiveOperationException {
        Map<String, Object> required = Map.of("imageSize", 32, "inChannels", 3, "modelChannels", 64,
                "channelMult", List.of(1, 2, 2), "numResBlocks", 2, "attentionResolutions", List.of(16, 8));
        assertEquals(decoder().build(), set(UNetConfig.builder(), required).build());
        for (String left : required.keySet()) {
            Map<String, Object> given = new java.util.HashMap<>(required);
            given.remove(left);
            assertEquals(left, refused(set(UNetConfig.builder(), given)), left + " left unset");
        }
    }

    /** The key that {@code builder.build()} refuses. */
    private static String refused(UNetConfig.Builder builder) {
        return assertThrows(BadValueException.class, builder::build).key();
    }
}
