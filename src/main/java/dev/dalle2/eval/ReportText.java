package dev.dalle2.eval;

import java.util.Locale;

/** How the evaluation reports write their numbers. */
final class ReportText {
    private ReportText() {}

    /** An accuracy or recall as "93.8%" (the default locale's digits, as the reports always printed), "-" for NaN. */
    static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.1f%%", 100 * value);
    }

    /** A recall over n images as "40.0% ± 4.9": ± one binomial standard error, in points. */
    static String percent(double recall, int n) {
        return String.format(Locale.ROOT, "%.1f%% ± %.1f", 100 * recall, 100 * ClipEvaluation.standardError(recall, n));
    }
}
