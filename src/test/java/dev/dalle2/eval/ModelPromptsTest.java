package dev.dalle2.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code eval model} picks its prompts: concepts spread evenly, held-out shapes pairs in turn. */
class ModelPromptsTest {
    @Test
    void spreadsConceptsEvenlyFromTheOffset() {
        assertArrayEquals(new int[] {0, 2, 5, 7}, ModelPrompts.spread(10, 4, 0));
        assertArrayEquals(new int[] {1, 3, 6, 8}, ModelPrompts.spread(10, 4, 1));
        assertArrayEquals(new int[] {3, 0, 1, 2}, ModelPrompts.spread(4, 9, 3), "all of them, wrapping around");
    }

    @Test
    void anOffsetBelowTheSpacingDrawsADisjointSet() {
        int[] judged = ModelPrompts.spread(2400, 100, 0);
        int[] validation = ModelPrompts.spread(2400, 100, 12);
        assertTrue(Arrays.stream(validation).noneMatch(v -> Arrays.stream(judged).anyMatch(j -> j == v)));
    }

    @Test
    void heldOutShapesPromptsCycleThroughThePairs() {
        List<String> prompts = ModelPrompts.heldOutShapePrompts("red star,blue circle", 5, 0);
        assertEquals(5, prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            assertTrue(prompts.get(i).matches("a (small|large) " + (i % 2 == 0 ? "red star" : "blue circle") + "( on a .*)?"),
                    prompts.get(i));
        }
        assertEquals(prompts, ModelPrompts.heldOutShapePrompts("red star,blue circle", 5, 0), "the seed fixes the sizes");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ModelPrompts.heldOutShapePrompts("", 5, 0));
        assertEquals("--hold-out names no colour-shape pairs", none.getMessage());
    }
}
