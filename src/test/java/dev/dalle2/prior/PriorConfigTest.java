package dev.dalle2.prior;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PriorConfigTest {
    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PriorConfig c = new PriorConfig(512, 512, 77, 768, 12, 12, 0.1);
        String text = json.writeValueAsString(c);
        assertEquals(c, json.readValue(text, PriorConfig.class), text);
    }

    @Test
    void countsTokenPositionsOnlyWithTokenEncodings() {
        assertEquals(77 + 4, new PriorConfig(512, 512, 77, 768, 12, 12, 0.1).sequenceLength());
        assertEquals(4, new PriorConfig(512, 0, 77, 768, 12, 12, 0.1).sequenceLength());
    }

    @Test
    void rejectsImpossibleArchitectures() {
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(0, 0, 0, 16, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, 0, 0, 16, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, 0, 0, 16, 1, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, 4, 0, 16, 1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, -1, 4, 16, 1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, 0, 0, 16, 1, 2, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new PriorConfig(8, 0, 0, 16, 1, 2, Double.NaN));
    }
}
