package dev.dalle2.diffusion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseScheduleTest {
    private static final int[] PROBES = {0, 1, 10, 250, 500, 998, 999};

    @Test
    void linearHasHoEndpointsAndCumulativeProduct() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        double[] betas = s.betas();
        assertEquals(1e-4, betas[0], 1e-15);
        assertEquals(0.02, betas[999], 1e-15);
        assertEquals(1e-4 + (0.02 - 1e-4) * 500 / 999, betas[500], 1e-15);
        double[] abar = s.alphasCumprod();
        double[] prev = s.alphasCumprodPrev();
        for (int t : PROBES) {
            double product = 1;
            for (int j = 0; j <= t; j++) {
                product *= 1 - betas[j];
            }
            assertEquals(product, abar[t], 1e-12, "alpha bar at " + t);
            assertEquals(t == 0 ? 1 : abar[t - 1], prev[t], 0, "previous alpha bar at " + t);
            assertEquals(Math.sqrt(product), s.sqrtAlphasCumprod()[t], 1e-12);
            assertEquals(Math.sqrt(1 - product), s.sqrtOneMinusAlphasCumprod()[t], 1e-12);
            assertEquals(1 - betas[t], s.alphas()[t], 0);
        }
        NoiseSchedule short250 = NoiseSchedule.linear(250);
        assertEquals(4e-4, short250.betas()[0], 1e-15);
        assertEquals(0.08, short250.betas()[249], 1e-15);
    }

    @Test
    void cosineFollowsClosedFormWhereUnclipped() {
        int steps = 1000;
        NoiseSchedule s = NoiseSchedule.cosine(steps);
        double f0 = f(0, steps);
        double[] abar = s.alphasCumprod();
        double[] betas = s.betas();
        for (int t : new int[] {0, 1, 10, 250, 500, 900, 990}) {
            assertTrue(betas[t] < 0.999);
            assertEquals(f(t + 1, steps) / f0, abar[t], 1e-9, "alpha bar at " + t);
        }
        for (double beta : betas) {
            assertTrue(beta > 0 && beta <= 0.999);
        }
        assertEquals(0.999, betas[steps - 1], 0, "the last beta is clipped");
    }

    private static double f(double t, int steps) {
        return Math.pow(Math.cos((t / steps + 0.008) / 1.008 * Math.PI / 2), 2);
    }

    @Test
    void posteriorQuantitiesFollowTheirFormulas() {
        NoiseSchedule s = NoiseSchedule.cosine(100);
        double[] b = s.betas();
        double[] abar = s.alphasCumprod();
        double[] variance = s.posteriorVariance();
        double[] logVariance = s.posteriorLogVarianceClipped();
        assertEquals(0, variance[0], 0);
        assertEquals(Math.log(variance[1]), logVariance[0], 1e-12);
        for (int t : new int[] {1, 2, 50, 99}) {
            double prev = abar[t - 1];
            assertEquals(b[t] * (1 - prev) / (1 - abar[t]), variance[t], 1e-12);
            assertEquals(Math.log(variance[t]), logVariance[t], 1e-12);
            assertEquals(b[t] * Math.sqrt(prev) / (1 - abar[t]), s.posteriorMeanCoef1()[t], 1e-12);
            assertEquals((1 - prev) * Math.sqrt(1 - b[t]) / (1 - abar[t]), s.posteriorMeanCoef2()[t], 1e-12);
        }
    }

    @Test
    void spacedTimestepsAreEvenAndIncludeBothEnds() {
        assertArrayEquals(new int[] {0, 3, 6, 9}, NoiseSchedule.spacedTimesteps(10, 4));
        int[] kept = NoiseSchedule.spacedTimesteps(1000, 20);
        assertEquals(20, kept.length);
        assertEquals(0, kept[0]);
        assertEquals(999, kept[19]);
        for (int i = 1; i < kept.length; i++) {
            assertTrue(Math.abs(kept[i] - kept[i - 1] - 999.0 / 19) <= 1, "stride at " + i);
        }
        assertArrayEquals(NoiseSchedule.cosine(5).timesteps(), NoiseSchedule.spacedTimesteps(5, 5));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.spacedTimesteps(10, 1));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.spacedTimesteps(10, 11));
    }

    @Test
    void respacingKeepsAlphaBarAtKeptStepsAndMapsTimesteps() {
        NoiseSchedule full = NoiseSchedule.cosine(1000);
        int[] kept = NoiseSchedule.spacedTimesteps(1000, 20);
        NoiseSchedule spaced = full.respace(kept);
        assertEquals(20, spaced.steps());
        assertArrayEquals(kept, spaced.timesteps());
        for (int i = 0; i < kept.length; i++) {
            assertEquals(full.alphasCumprod()[kept[i]], spaced.alphasCumprod()[i], 1e-12, "step " + i);
        }
        // respacing a respaced schedule maps through to the original timesteps
        NoiseSchedule twice = spaced.respace(new int[] {0, 10, 19});
        assertArrayEquals(new int[] {kept[0], kept[10], kept[19]}, twice.timesteps());
        assertEquals(full.alphasCumprod()[kept[10]], twice.alphasCumprod()[1], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> full.respace(new int[] {5, 5, 9}));
        assertThrows(IllegalArgumentException.class, () -> full.respace(new int[] {0, 1000}));
    }

    @Test
    void fromNameKnowsBothSchedules() {
        assertArrayEquals(NoiseSchedule.linear(50).betas(), NoiseSchedule.fromName("linear", 50).betas());
        assertArrayEquals(NoiseSchedule.cosine(50).betas(), NoiseSchedule.fromName("cosine", 50).betas());
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.fromName("sigmoid", 50));
    }
}
