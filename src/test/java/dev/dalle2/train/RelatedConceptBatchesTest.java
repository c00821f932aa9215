package dev.dalle2.train;

import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Batches of related concepts: groups share words with their anchor, every concept appears once, draws repeat under a seed. */
class RelatedConceptBatchesTest {
    private static final List<String> CONCEPTS = List.of(
            "man cook", "woman cook", "man cook: dark skin tone", "woman cook: dark skin tone",
            "red apple", "green apple", "red heart", "blue heart", "dog face", "cat face");

    @TempDir
    Path dir;

    /** Two images (two styles) of each concept; the second style of "cat face" is held out. */
    private CaptionDataset dataset() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int c = 0; c < CONCEPTS.size(); c++) {
            for (String style : List.of("flat", "color")) {
                String image = "images/" + style + c + ".png";
                TestData.png(dir.resolve(image), 8, 8, 0x010203 * c);
                lines.append("{\"image\":\"%s\",\"caption\":\"an emoji of %s\",\"concept\":\"%s\",\"group\":\"%s\"}\n"
                        .formatted(image, CONCEPTS.get(c), CONCEPTS.get(c), style));
            }
        }
        Files.writeString(dir.resolve("captions.jsonl"), lines);
        return CaptionDataset.load(dir, 8);
    }

    @Test
    void wordsAreLowerCasedAndSplitAtPunctuation() {
        assertEquals(Set.of("man", "medium", "dark", "skin", "tone"), RelatedConceptBatches.words("Man: medium-dark skin tone"));
    }

    @Test
    void theMostRelatedShareTheMostWords() {
        int[][] related = RelatedConceptBatches.mostRelated(CONCEPTS, 3);
        // idf: ln(10/2) = 1.609 for man, dark, red, apple, heart…; ln(10/4) = 0.916 for cook; ln(10) = 2.303 for green
        // "man cook" (weight 2.526): "man cook: dark skin tone" 2.526 / 7.354 = 0.343, "woman cook" 0.916 / 4.136
        // = 0.221, "woman cook: dark skin tone" 0.916 / 8.964 = 0.102
        assertArrayEquals(new int[] {2, 1, 3}, related[0]);
        // "red apple" (3.219): "red heart" 1.609 / 4.828 = 0.333, "green apple" 1.609 / 5.522 = 0.291; no other shares a word
        assertArrayEquals(new int[] {6, 5}, related[4]);
    }

    @Test
    void groupsFollowTheirAnchorAndNoConceptRepeats() throws IOException {
        CaptionDataset data = dataset();
        int[] train = new int[data.size() - 1];
        for (int i = 0; i < train.length; i++) {
            train[i] = i;
        }
        RelatedConceptBatches batches = new RelatedConceptBatches(data, train, 2);
        // anchors: "man cook" (entry 0), "red apple" (entry 8), "dog face" (entry 16), and "man cook" again (entry 1)
        int[] batch = batches.compose(new int[] {0, 5, 8, 9, 16, 17, 1, 2}, new Random(1));
        String[] concepts = Arrays.stream(batch).mapToObj(e -> data.entry(e).concept()).toArray(String[]::new);
        assertEquals(CONCEPTS.size() - 2, new HashSet<>(List.of(concepts)).size(), "distinct concepts: " + List.of(concepts));
        assertEquals("man cook", concepts[0]);
        assertTrue(Set.of("woman cook", "man cook: dark skin tone").contains(concepts[1]), concepts[1]);
        assertEquals("red apple", concepts[2]);
        assertTrue(Set.of("green apple", "red heart").contains(concepts[3]), concepts[3]);
        assertEquals("dog face", concepts[4]);
        assertEquals("cat face", concepts[5]);
        assertNotEquals("man cook", concepts[6], "a used anchor is replaced by an unused concept");
        for (int e : batch) {
            assertTrue(e < train.length, "only training entries: " + e);
        }
        assertArrayEquals(batch, batches.compose(new int[] {0, 5, 8, 9, 16, 17, 1, 2}, new Random(1)));
    }

    @Test
    void relatedConceptsAreDrawnInProportionToTheirImages() throws IOException {
        CaptionDataset data = dataset();
        // "man cook" keeps both images, its related "woman cook" one and "man cook: dark skin tone" both; with
        // "red apple" as well, "cook" is not in every name and so weighs more than nothing
        int[] train = {0, 1, 2, 4, 5, 8};
        RelatedConceptBatches batches = new RelatedConceptBatches(data, train, 2);
        Random random = new Random(7);
        int dark = 0;
        int draws = 3000;
        for (int i = 0; i < draws; i++) {
            dark += data.entry(batches.compose(new int[] {0, 0}, random)[1]).concept().equals("man cook: dark skin tone") ? 1 : 0;
        }
        // two images against one: 2/3 of the draws, within 4 standard deviations (0.034)
        assertEquals(2.0 / 3, (double) dark / draws, 0.035);
    }

    @Test
    void aBatchCannotHoldMoreConceptsThanThereAre() throws IOException {
        CaptionDataset data = dataset();
        int[] train = new int[data.size()];
        for (int i = 0; i < train.length; i++) {
            train[i] = i;
        }
        RelatedConceptBatches batches = new RelatedConceptBatches(data, train, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batches.compose(new int[CONCEPTS.size() + 1], new Random(0)));
        assertTrue(e.getMessage().contains("cannot be larger than the 10 concepts"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RelatedConceptBatches(data, train, 1));
    }
}
