package dev.dalle2.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network or layer: named trainable parameters and named sub-modules, like PyTorch's
 * {@code nn.Module}. Parameter names form stable dotted paths ({@code blocks.0.attn.q_proj.weight})
 * that map one-to-one onto the tensor names of a safetensors file.
 *
 * <p>The tree is kept in Java: each parameter is a tensor we own, registered once and never
 * re-read from a libtorch container (references handed back by libtorch's containers were seen
 * to dangle). Parameters are detached from any enclosing {@code PointerScope}, so a model built
 * inside a scope outlives it.
 */
public abstract class Module {
    static {
        Engine.start();
    }

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers {@code value} as a trainable parameter called {@code name} and returns it. */
    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        Tensor p = value.detach().contiguous().set_requires_grad(true);
        p.retainReference();
        parameters.put(name, p);
        return p;
    }

    /** Registers {@code module} as a child called {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (!name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("bad parameter or module name '" + name + "'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is registered twice in " + getClass().getSimpleName());
        }
    }

    /** Every parameter under this module, in registration order, by dotted path. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /** Switches dropout (and any other train-only behaviour) on or off in the whole tree. */
    public final void train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /**
     * Copies {@code state} into the parameters of the same name. Every missing, unexpected or
     * wrongly shaped tensor is reported by name; with {@code strict} any such problem throws before
     * a single parameter is changed, with the {@linkplain LoadReport#summary one-line summary} as message.
     */
    public final LoadReport load(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                wrongShape.add(e.getKey() + " " + Arrays.toString(src.shape()) + " != expected "
                        + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) {
                unexpected.add(name);
            }
        }
        LoadReport report = new LoadReport(missing, unexpected, wrongShape);
        if (strict && !report.ok()) {
            throw new IllegalArgumentException(report.summary(getClass().getSimpleName()));
        }
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null && Arrays.equals(src.shape(), e.getValue().shape())) {
                    e.getValue().copy_(src);
                }
            }
        }
        return report;
    }

    /** What {@link #load} found: names of missing, unexpected and wrongly shaped tensors. */
    public record LoadReport(List<String> missing, List<String> unexpected, List<String> wrongShape) {
        /** Problems named in a {@link #summary}; the rest are counted. */
        private static final int SHOWN = 2;

        public boolean ok() {
            return missing.isEmpty() && unexpected.isEmpty() && wrongShape.isEmpty();
        }

        /**
         * One short line for an error: how many tensors do not fit {@code network}, of which kind, the first two
         * and how many more, e.g. {@code 118 tensors do not fit UNet (118 of another shape): a.weight [32, 3]
         * != expected [64, 3]; b.bias [32] != expected [64] … and 116 more}.
         */
        public String summary(String network) {
            List<String> problems = new ArrayList<>(wrongShape);
            missing.forEach(name -> problems.add(name + " missing"));
            unexpected.forEach(name -> problems.add(name + " unexpected"));
            List<String> kinds = new ArrayList<>();
            if (!wrongShape.isEmpty()) {
                kinds.add(wrongShape.size() + " of another shape");
            }
            if (!missing.isEmpty()) {
                kinds.add(missing.size() + " missing");
            }
            if (!unexpected.isEmpty()) {
                kinds.add(unexpected.size() + " unexpected");
            }
            int n = problems.size();
            int shown = Math.min(SHOWN, n);
            return n + (n == 1 ? " tensor does" : " tensors do") + " not fit " + network + " (" + String.join(", ", kinds)
                    + "): " + String.join("; ", problems.subList(0, shown)) + (n > shown ? " … and " + (n - shown) + " more" : "");
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add("missing " + missing);
            }
            if (!unexpected.isEmpty()) {
                parts.add("unexpected " + unexpected);
            }
            if (!wrongShape.isEmpty()) {
                parts.add("wrong shape " + wrongShape);
            }
            return parts.isEmpty() ? "all tensors match" : String.join("; ", parts);
        }
    }
}
