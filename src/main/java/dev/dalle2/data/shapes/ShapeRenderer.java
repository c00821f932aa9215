package dev.dalle2.data.shapes;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Draws shapes images with Java2D: the background, then each shape filled with antialiasing. */
public final class ShapeRenderer {
    private ShapeRenderer() {}

    /** A {@code size}×{@code size} RGB image of {@code a}. */
    public static BufferedImage render(ShapeAttributes a, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(image);
        g.setColor(a.background().color());
        g.fillRect(0, 0, size, size);
        for (ShapeSpec s : a.shapes()) {
            g.setColor(s.colour().color());
            g.fill(s.shape().outline(s.x() * size, s.y() * size, s.extent() * size));
        }
        g.dispose();
        return image;
    }

    /** Graphics on {@code image} with the hints every shape is drawn with: antialiased, exact geometry. */
    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }
}
