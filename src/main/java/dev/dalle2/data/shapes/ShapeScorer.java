package dev.dalle2.data.shapes;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads shapes back from pixels, without a model. The background is the per-channel median of the
 * border pixels; foreground pixels are those further from it than a threshold (40 in RGB distance,
 * more when the border is noisy); 8-connected foreground components smaller than 0.3% of the image
 * (at least 4 pixels) are ignored. A component's colour is the palette colour nearest to the mean
 * of its pixels furthest from the background. Its kind is the {@link ShapeType} whose outline, drawn by the same
 * Java2D code at the position and size that the component's coverage moments imply, overlaps the
 * component's soft coverage best (intersection over union).
 */
public final class ShapeScorer {
    private static final double MIN_THRESHOLD = 40;
    private static final double NOISE_FACTOR = 4;
    private static final double MIN_AREA = 0.003;
    private static final double INTERIOR = 0.85;
    private static final Map<ShapeType, Moments> TEMPLATES = templates();

    private final int width;
    private final int height;
    private final int[] rgb;
    private final double[] background;
    private final double[] distance;
    private final int[] label;

    private ShapeScorer(BufferedImage image) {
        width = image.getWidth();
        height = image.getHeight();
        rgb = image.getRGB(0, 0, width, height, null, 0, width);
        int[] border = border();
        background = new double[3];
        for (int c = 0; c < 3; c++) {
            int channel = c;
            background[c] = median(Arrays.stream(border).map(i -> channel(rgb[i], channel)).toArray());
        }
        distance = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            distance[i] = distanceFromBackground(rgb[i]);
        }
        label = new int[rgb.length];
    }

    /** The shapes in {@code image}, largest first; empty when the image is plain. */
    public static List<DetectedShape> score(BufferedImage image) {
        return new ShapeScorer(image).detect();
    }

    /**
     * How {@code image} agrees with {@code expected}. The largest detected components stand for the
     * expected shapes. For two shapes they are paired with the expected ones in the order that agrees
     * best on kind and colour, then on which is larger, then on the relation, which is read from their
     * centres (so two identical shapes side by side satisfy "left of" either way). Too few components
     * fail every criterion.
     */
    public static ShapeMatch matches(ShapeAttributes expected, BufferedImage image) {
        List<ShapeSpec> want = expected.shapes();
        boolean pair = want.size() == 2;
        List<DetectedShape> found = score(image);
        if (found.size() < want.size()) {
            return new ShapeMatch(false, false, pair ? false : null);
        }
        List<DetectedShape> got = found.subList(0, want.size());
        if (pair && rank(expected, List.of(got.get(1), got.get(0))) > rank(expected, got)) {
            got = List.of(got.get(1), got.get(0));
        }
        boolean shape = true;
        boolean colour = true;
        for (int i = 0; i < want.size(); i++) {
            shape &= got.get(i).shape() == want.get(i).shape();
            colour &= got.get(i).colour() == want.get(i).colour();
        }
        return new ShapeMatch(shape, colour, pair ? relation(got) == expected.relation() : null);
    }

    private static Relation relation(List<DetectedShape> pair) {
        return Relation.between(pair.get(0).x(), pair.get(0).y(), pair.get(1).x(), pair.get(1).y());
    }

    /** How well detected shapes fit an expected pair in this order: kinds and colours first, then sizes, then the relation. */
    private static int rank(ShapeAttributes expected, List<DetectedShape> got) {
        List<ShapeSpec> want = expected.shapes();
        int rank = 0;
        for (int i = 0; i < 2; i++) {
            rank += 4 * ((got.get(i).shape() == want.get(i).shape() ? 1 : 0) + (got.get(i).colour() == want.get(i).colour() ? 1 : 0));
        }
        int sizes = want.get(0).size().compareTo(want.get(1).size());
        if (sizes != 0 && (sizes < 0) == (got.get(0).pixels() < got.get(1).pixels())) {
            rank += 2;
        }
        return rank + (relation(got) == expected.relation() ? 1 : 0);
    }

    private List<DetectedShape> detect() {
        double noise = median(Arrays.stream(border()).mapToDouble(i -> distance[i]).toArray());
        double threshold = Math.max(MIN_THRESHOLD, NOISE_FACTOR * noise);
        int minPixels = Math.max(4, (int) Math.ceil(MIN_AREA * rgb.length));
        List<DetectedShape> shapes = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < rgb.length; i++) {
            if (label[i] == 0 && distance[i] > threshold) {
                int[] component = flood(i, ++next, threshold);
                if (component.length >= minPixels) {
                    shapes.add(describe(component, next));
                }
            }
        }
        shapes.sort(Comparator.comparingInt(DetectedShape::pixels).reversed());
        return shapes;
    }

    /** Labels the 8-connected foreground component of {@code seed} and returns its pixel indices. */
    private int[] flood(int seed, int id, double threshold) {
        int[] queue = new int[rgb.length];
        int head = 0;
        int tail = 0;
        queue[tail++] = seed;
        label[seed] = id;
        while (head < tail) {
            int p = queue[head++];
            int px = p % width;
            int py = p / width;
            for (int y = Math.max(0, py - 1); y <= Math.min(height - 1, py + 1); y++) {
                for (int x = Math.max(0, px - 1); x <= Math.min(width - 1, px + 1); x++) {
                    int q = y * width + x;
                    if (label[q] == 0 && distance[q] > threshold) {
                        label[q] = id;
                        queue[tail++] = q;
                    }
                }
            }
        }
        return Arrays.copyOf(queue, tail);
    }

    private DetectedShape describe(int[] component, int id) {
        double max = Arrays.stream(component).mapToDouble(i -> distance[i]).max().orElseThrow();
        double[] colour = new double[3];
        int interior = 0;
        int x0 = width;
        int y0 = height;
        int x1 = 0;
        int y1 = 0;
        for (int i : component) {
            if (distance[i] >= INTERIOR * max) {
                for (int c = 0; c < 3; c++) {
                    colour[c] += channel(rgb[i], c);
                }
                interior++;
            }
            x0 = Math.min(x0, i % width);
            x1 = Math.max(x1, i % width);
            y0 = Math.min(y0, i / width);
            y1 = Math.max(y1, i / width);
        }
        for (int c = 0; c < 3; c++) {
            colour[c] /= interior;
        }
        int pad = Math.max(2, Math.max(x1 - x0, y1 - y0) / 4);
        Window window = new Window(Math.max(0, x0 - pad), Math.max(0, y0 - pad),
                Math.min(width - 1, x1 + pad), Math.min(height - 1, y1 + pad));
        double[] coverage = coverage(window, id, colour);
        Moments m = Moments.of(coverage, window.width());
        ShapeType best = null;
        double bestFit = -1;
        for (ShapeType type : ShapeType.values()) {
            Moments t = TEMPLATES.get(type);
            double side = m.radius() / t.radius();
            double cx = window.x0() + m.cx() - t.cx() * side;
            double cy = window.y0() + m.cy() - t.cy() * side;
            double fit = iou(coverage, window.draw(type, cx, cy, side));
            if (fit > bestFit) {
                best = type;
                bestFit = fit;
            }
        }
        return new DetectedShape(best, ShapeColour.nearest(colour[0], colour[1], colour[2]),
                (x0 + x1 + 1) / 2.0 / width, (y0 + y1 + 1) / 2.0 / height, component.length, bestFit);
    }

    /**
     * The fraction of each window pixel covered by the shape of colour {@code fill}: its colour's
     * projection onto the line from the background to {@code fill}, in [0, 1]; pixels of other
     * components count as uncovered.
     */
    private double[] coverage(Window window, int id, double[] fill) {
        double[] direction = new double[3];
        double norm = 0;
        for (int c = 0; c < 3; c++) {
            direction[c] = fill[c] - background[c];
            norm += direction[c] * direction[c];
        }
        double[] coverage = new double[window.width() * window.height()];
        for (int y = window.y0(); y <= window.y1(); y++) {
            for (int x = window.x0(); x <= window.x1(); x++) {
                int i = y * width + x;
                if (label[i] != 0 && label[i] != id) {
                    continue;
                }
                double dot = 0;
                for (int c = 0; c < 3; c++) {
                    dot += (channel(rgb[i], c) - background[c]) * direction[c];
                }
                coverage[(y - window.y0()) * window.width() + x - window.x0()] = Math.max(0, Math.min(1, dot / norm));
            }
        }
        return coverage;
    }

    private static double iou(double[] a, double[] b) {
        double intersection = 0;
        double union = 0;
        for (int i = 0; i < a.length; i++) {
            intersection += Math.min(a[i], b[i]);
            union += Math.max(a[i], b[i]);
        }
        return union == 0 ? 0 : intersection / union;
    }

    private double distanceFromBackground(int pixel) {
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            double d = channel(pixel, c) - background[c];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private int[] border() {
        int[] indices = new int[2 * width + 2 * Math.max(0, height - 2)];
        int n = 0;
        for (int x = 0; x < width; x++) {
            indices[n++] = x;
            indices[n++] = (height - 1) * width + x;
        }
        for (int y = 1; y < height - 1; y++) {
            indices[n++] = y * width;
            indices[n++] = y * width + width - 1;
        }
        return Arrays.copyOf(indices, n);
    }

    private static int channel(int pixel, int c) {
        return (pixel >> (16 - 8 * c)) & 0xff;
    }

    private static double median(int[] values) {
        return median(Arrays.stream(values).asDoubleStream().toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Each kind's outline measured once, drawn 200 pixels wide: centroid offset from the box centre and radius of gyration, per unit side. */
    private static Map<ShapeType, Moments> templates() {
        int size = 256;
        double side = 200;
        Window window = new Window(0, 0, size - 1, size - 1);
        Map<ShapeType, Moments> templates = new EnumMap<>(ShapeType.class);
        for (ShapeType type : ShapeType.values()) {
            Moments m = Moments.of(window.draw(type, size / 2.0, size / 2.0, side), size);
            templates.put(type, new Moments((m.cx() - size / 2.0) / side, (m.cy() - size / 2.0) / side, m.radius() / side));
        }
        return templates;
    }

    /** An inclusive pixel rectangle of the image. */
    private record Window(int x0, int y0, int x1, int y1) {
        int width() {
            return x1 - x0 + 1;
        }

        int height() {
            return y1 - y0 + 1;
        }

        /** The coverage of {@code type}'s outline at image position (cx, cy) with side {@code side}, over this window. */
        double[] draw(ShapeType type, double cx, double cy, double side) {
            BufferedImage canvas = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = ShapeRenderer.graphics(canvas);
            g.setColor(Color.WHITE);
            g.fill(type.outline(cx - x0, cy - y0, side));
            g.dispose();
            int[] pixels = canvas.getRGB(0, 0, width(), height(), null, 0, width());
            return Arrays.stream(pixels).mapToDouble(p -> channel(p, 0) / 255.0).toArray();
        }
    }

    /**
     * The coverage-weighted centroid (cx, cy, from the window's corner, pixel centres at +0.5) and
     * radius of gyration of a coverage map, counting each pixel's own spread (1/12 per axis).
     */
    private record Moments(double cx, double cy, double radius) {
        static Moments of(double[] coverage, int width) {
            double mass = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            for (int i = 0; i < coverage.length; i++) {
                double x = i % width + 0.5;
                double y = i / width + 0.5;
                mass += coverage[i];
                sx += coverage[i] * x;
                sy += coverage[i] * y;
                sxx += coverage[i] * (x * x + y * y);
            }
            double cx = sx / mass;
            double cy = sy / mass;
            return new Moments(cx, cy, Math.sqrt(Math.max(0, sxx / mass - cx * cx - cy * cy) + 1 / 6.0));
        }
    }
}
