package dev.dalle2.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Where the shapes of an image go. Every shape keeps {@value #MARGIN} of the image side from the
 * edges. A shape alone is centred within ±{@value #NEAR_CENTRE} (four images in five) or anywhere
 * it fits. A pair lies along the relation's axis with at least {@value #GAP} of the side between
 * their bounding boxes, and within ±{@value #NEAR_CENTRE} of the centre line across it.
 */
public final class ShapeLayout {
    static final double MARGIN = 0.04;
    static final double GAP = 0.08;
    static final double NEAR_CENTRE = 0.05;
    private static final double ANYWHERE = 0.2;

    private ShapeLayout() {}

    /** The attributes with every shape's extent and centre drawn from {@code uniform} (draws in [0, 1)), rounded to 1e-4. */
    public static ShapeAttributes place(ShapeAttributes a, DoubleSupplier uniform) {
        int n = a.shapes().size();
        double[] extent = new double[n];
        for (int i = 0; i < n; i++) {
            extent[i] = a.shapes().get(i).size().extent(n) + centred(uniform) * ShapeSize.jitter(n);
        }
        List<ShapeSpec> placed = new ArrayList<>();
        if (n == 1) {
            double free = (1 - extent[0]) / 2 - MARGIN;
            double range = uniform.getAsDouble() < ANYWHERE ? free : Math.min(NEAR_CENTRE, free);
            placed.add(place(a.shapes().get(0), 0.5 + centred(uniform) * range, 0.5 + centred(uniform) * range, extent[0]));
        } else {
            boolean firstLeads = a.relation().firstLeads();
            double lead = extent[firstLeads ? 0 : 1];
            double trail = extent[firstLeads ? 1 : 0];
            double slack = 1 - 2 * MARGIN - GAP - lead - trail;
            double extraGap = uniform.getAsDouble() * slack;
            double leadCentre = MARGIN + uniform.getAsDouble() * (slack - extraGap) + lead / 2;
            double trailCentre = leadCentre + lead / 2 + GAP + extraGap + trail / 2;
            for (int i = 0; i < n; i++) {
                double along = (i == 0) == firstLeads ? leadCentre : trailCentre;
                double across = 0.5 + centred(uniform) * Math.min(NEAR_CENTRE, (1 - extent[i]) / 2 - MARGIN);
                boolean vertical = a.relation().vertical();
                placed.add(place(a.shapes().get(i), vertical ? across : along, vertical ? along : across, extent[i]));
            }
        }
        return new ShapeAttributes(placed, a.relation(), a.background());
    }

    /** The layout with every draw at its middle: the positions a caption implies on average. */
    public static ShapeAttributes nominal(ShapeAttributes a) {
        return place(a, () -> 0.5);
    }

    private static double centred(DoubleSupplier uniform) {
        return 2 * uniform.getAsDouble() - 1;
    }

    private static ShapeSpec place(ShapeSpec s, double x, double y, double extent) {
        return s.placed(round(x), round(y), round(extent));
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
