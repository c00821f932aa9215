package dev.dalle2.train;

import dev.dalle2.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws the training loss against the step as a PNG: the raw losses in light grey and a moving
 * average in blue, on a logarithmic loss axis.
 */
public final class LossCurve {
    private static final int W = 640;
    private static final int H = 360;
    private static final int MARGIN = 50;

    private LossCurve() {}

    public static void write(Path file, List<double[]> stepLoss, String title) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.drawString(title, MARGIN, 20);
        g.drawRect(MARGIN, MARGIN / 2 + 10, W - 2 * MARGIN, H - MARGIN - MARGIN / 2 - 10);
        if (stepLoss.size() >= 2) {
            double maxStep = stepLoss.get(stepLoss.size() - 1)[0];
            double minStep = stepLoss.get(0)[0];
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (double[] p : stepLoss) {
                if (p[1] > 0) {
                    lo = Math.min(lo, Math.log10(p[1]));
                    hi = Math.max(hi, Math.log10(p[1]));
                }
            }
            hi = Math.max(hi, lo + 1e-3);
            double[] smooth = movingAverage(stepLoss, Math.max(1, stepLoss.size() / 50));
            plot(g, stepLoss, null, minStep, maxStep, lo, hi, new Color(200, 200, 200));
            plot(g, stepLoss, smooth, minStep, maxStep, lo, hi, new Color(30, 90, 200));
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, hi)), 2, MARGIN / 2 + 20);
            g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, lo)), 2, H - MARGIN);
            g.drawString("step " + (long) minStep, MARGIN, H - MARGIN / 2);
            g.drawString("step " + (long) maxStep, W - MARGIN - 80, H - MARGIN / 2);
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    private static double[] movingAverage(List<double[]> points, int window) {
        double[] out = new double[points.size()];
        double sum = 0;
        for (int i = 0; i < points.size(); i++) {
            sum += points.get(i)[1];
            if (i >= window) {
                sum -= points.get(i - window)[1];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    private static void plot(Graphics2D g, List<double[]> points, double[] values, double x0, double x1,
                             double lo, double hi, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(values == null ? 1f : 2f));
        int left = MARGIN;
        int right = W - MARGIN;
        int top = MARGIN / 2 + 10;
        int bottom = H - MARGIN;
        int px = -1;
        int py = -1;
        for (int i = 0; i < points.size(); i++) {
            double v = values == null ? points.get(i)[1] : values[i];
            if (v <= 0) {
                continue;
            }
            int x = (int) (left + (right - left) * (points.get(i)[0] - x0) / Math.max(1e-9, x1 - x0));
            int y = (int) (bottom - (bottom - top) * (Math.log10(v) - lo) / (hi - lo));
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }
}
