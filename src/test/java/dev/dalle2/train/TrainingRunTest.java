package dev.dalle2.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's first line names its precision, and says when bf16 is emulated and slower than fp32. */
class TrainingRunTest {
    @Test
    void emulatedBf16IsNamedWithTheKeyThatTurnsItOff() {
        assertEquals("fp32", TrainingRun.precision(false, false));
        assertEquals("fp32", TrainingRun.precision(false, true));
        assertEquals("bf16 autocast", TrainingRun.precision(true, true));
        String emulated = TrainingRun.precision(true, false);
        assertTrue(emulated.startsWith("bf16 autocast (emulated") && emulated.contains("training.bf16: false"), emulated);
    }
}
