package dev.dalle2.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalModelCommandTest {
    @Test
    void spreadsConceptsEvenlyFromTheOffset() {
        assertArrayEquals(new int[] {0, 2, 5, 7}, EvalModelCommand.spread(10, 4, 0));
        assertArrayEquals(new int[] {1, 3, 6, 8}, EvalModelCommand.spread(10, 4, 1));
        assertArrayEquals(new int[] {3, 0, 1, 2}, EvalModelCommand.spread(4, 9, 3), "all of them, wrapping around");
    }

    @Test
    void anOffsetBelowTheSpacingDrawsADisjointSet() {
        int[] judged = EvalModelCommand.spread(2400, 100, 0);
        int[] validation = EvalModelCommand.spread(2400, 100, 12);
        assertTrue(Arrays.stream(validation).noneMatch(v -> Arrays.stream(judged).anyMatch(j -> j == v)));
    }
}
