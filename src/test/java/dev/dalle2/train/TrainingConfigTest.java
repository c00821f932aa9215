package dev.dalle2.train;

import dev.dalle2.io.BadValueException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Named construction of {@link TrainingConfig} (issue 22): each builder method sets its own field, and the defaults. */
class TrainingConfigTest {
    /** A valid recipe in which no field has its default. */
    private static final Map<String, Object> BASE = Map.ofEntries(
            Map.entry("batchSize", 3), Map.entry("learningRate", 2e-3), Map.entry("warmupSteps", 7),
            Map.entry("totalSteps", 50), Map.entry("minLrRatio", 0.2), Map.entry("weightDecay", 0.03),
            Map.entry("emaDecay", 0.9), Map.entry("gradClip", 0.5), Map.entry("bf16", false),
            Map.entry("condDropProb", 0.15), Map.entry("checkpointEvery", 11), Map.entry("sampleEvery", 13),
            Map.entry("sampleCount", 2), Map.entry("maxSkippedSteps", 4));
    /** Another valid value for each field. */
    private static final Map<String, Object> OTHER = Map.ofEntries(
            Map.entry("batchSize", 5), Map.entry("learningRate", 4e-3), Map.entry("warmupSteps", 9),
            Map.entry("totalSteps", 60), Map.entry("minLrRatio", 0.3), Map.entry("weightDecay", 0.04),
            Map.entry("emaDecay", 0.8), Map.entry("gradClip", 0.7), Map.entry("bf16", true),
            Map.entry("condDropProb", 0.25), Map.entry("checkpointEvery", 17), Map.entry("sampleEvery", 19),
            Map.entry("sampleCount", 6), Map.entry("maxSkippedSteps", 8));

    /** {@code builder} after calling, for each entry, the builder method of that name with that value. */
    private static TrainingConfig.Builder set(TrainingConfig.Builder builder, Map<String, Object> values)
            throws ReflectiveOperationException {
        for (RecordComponent c : TrainingConfig.class.getRecordComponents()) {
            if (values.containsKey(c.getName())) {
                TrainingConfig.Builder.class.getMethod(c.getName(), c.getType()).invoke(builder, values.get(c.getName()));
            }
        }
        return builder;
    }

    @Test
    void everyBuilderMethodSetsTheFieldOfItsNameAndNoOther() throws ReflectiveOperationException {
        RecordComponent[] fields = TrainingConfig.class.getRecordComponents();
        assertEquals(fields.length, BASE.size(), "a value for every field");
        assertEquals(fields.length, OTHER.size(), "another value for every field");
        TrainingConfig base = set(TrainingConfig.builder(), BASE).build();
        for (RecordComponent f : fields) {
            assertEquals(BASE.get(f.getName()), f.getAccessor().invoke(base), f.getName());
        }
        for (RecordComponent changed : fields) {
            Object value = OTHER.get(changed.getName());
            assertNotEquals(BASE.get(changed.getName()), value, changed.getName());
            TrainingConfig built = set(base.toBuilder(), Map.of(changed.getName(), value)).build();
            for (RecordComponent f : fields) {
                Object expected = f.getName().equals(changed.getName()) ? value : BASE.get(f.getName());
                assertEquals(expected, f.getAccessor().invoke(built),
                        "toBuilder()." + changed.getName() + "(" + value + ") then " + f.getName());
            }
        }
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        TrainingConfig c = TrainingConfig.builder().batchSize(32).learningRate(5e-4).totalSteps(4000).build();
        assertEquals(100, c.warmupSteps());
        assertEquals(0.1, c.minLrRatio());
        assertEquals(0.0, c.weightDecay());
        assertEquals(0.999, c.emaDecay());
        assertEquals(1.0, c.gradClip());
        assertTrue(c.bf16());
        assertEquals(0.0, c.condDropProb());
        assertEquals(500, c.checkpointEvery());
        assertEquals(500, c.sampleEvery());
        assertEquals(8, c.sampleCount());
        assertEquals(TrainingConfig.DEFAULT_MAX_SKIPPED_STEPS, c.maxSkippedSteps());
        assertEquals(5, TrainingConfig.DEFAULT_MAX_SKIPPED_STEPS);
        assertEquals(5, c.toBuilder().maxSkippedSteps(null).build().maxSkippedSteps(), "null stands for the default");
    }

    @Test
    void batchSizeLearningRateAndTotalStepsHaveNoDefault() {
        assertEquals("batchSize", refused(TrainingConfig.builder().learningRate(5e-4).totalSteps(4000)));
        assertEquals("learningRate", refused(TrainingConfig.builder().batchSize(32).totalSteps(4000)));
        assertEquals("totalSteps", refused(TrainingConfig.builder().batchSize(32).learningRate(5e-4)));
    }

    /** The key that {@code builder.build()} refuses. */
    private static String refused(TrainingConfig.Builder builder) {
        return assertThrows(BadValueException.class, builder::build).key();
    }
}
