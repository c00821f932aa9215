package dev.dalle2.train;

import dev.dalle2.io.Images;
import org.bytedeco.pytorch.Tensor;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws a similarity matrix as a picture people can read: the N images along the top, one text per
 * row on the left, and each cell coloured by its value (white at 0, dark blue at the row's maximum)
 * with the value written in it; the diagonal (the matching pairs) is outlined. Returned as
 * [3, H, W] in [-1, 1].
 */
public final class SimilarityChart {
    private static final int CELL = 40;
    private static final int TEXT = 280;

    private SimilarityChart() {}

    /**
     * @param images     [N, 3, S, S] in [-1, 1], the columns
     * @param texts      N row labels
     * @param similarity N×N values, row-major: row i is text i against every image
     */
    public static Tensor draw(Tensor images, List<String> texts, float[] similarity) {
        int n = texts.size();
        if (images.size(0) != n || similarity.length != n * n) {
            throw new IllegalArgumentException(n + " texts but " + images.size(0) + " images and "
                    + similarity.length + " similarities");
        }
        int width = TEXT + n * CELL + 4;
        int height = (n + 1) * CELL + 4;
        BufferedImage chart = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = chart.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int j = 0; j < n; j++) {
            BufferedImage picture = Images.toImage(images.get(j));
            g.drawImage(picture, TEXT + j * CELL + 2, 2, CELL - 4, CELL - 4, null);
        }
        for (int i = 0; i < n; i++) {
            int y = (i + 1) * CELL;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, similarity[i * n + j]);
            }
            g.setColor(Color.BLACK);
            g.drawString(fit(g, texts.get(i)), 4, y + CELL / 2 + 4);
            for (int j = 0; j < n; j++) {
                float v = similarity[i * n + j];
                float shade = max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
                g.setColor(new Color(1 - 0.8f * shade, 1 - 0.6f * shade, 1 - 0.2f * shade));
                g.fillRect(TEXT + j * CELL, y, CELL, CELL);
                g.setColor(shade > 0.6f ? Color.WHITE : Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.2f", v), TEXT + j * CELL + 6, y + CELL / 2 + 4);
            }
            g.setColor(new Color(200, 30, 30));
            g.setStroke(new BasicStroke(2));
            g.drawRect(TEXT + i * CELL + 1, y + 1, CELL - 2, CELL - 2);
        }
        g.dispose();
        return Images.toTensor(chart);
    }

    private static String fit(Graphics2D g, String text) {
        String s = text;
        for (int cut = text.length(); g.getFontMetrics().stringWidth(s) > TEXT - 8 && cut > 1; cut--) {
            s = text.substring(0, cut - 1) + "…";
        }
        return s;
    }
}
