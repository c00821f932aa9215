package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Supplier;

/**
 * The one place native memory and gradient mode are managed. Frees a computation's temporary tensors
 * as soon as it ends, as Python's reference counting does, instead of at the end of the caller's scope.
 * A layer's forward pass makes many intermediates (casts, activations) that autograd does not keep;
 * freeing them at once lowers a training step's peak memory. Tensors autograd saved for the backward
 * pass stay alive: the graph holds its own references.
 *
 * <p>Code outside {@code nn/} runs tensor work through these methods only: {@link #keepResult} and
 * {@link #keepResults} for a block whose tensor results the caller keeps, {@link #freeing} for a block
 * whose results are not tensors (also at the top of a command or thread, so nothing it makes outlives
 * it), {@link #noGrad} to turn gradients off around a block, {@link #freeingNoGrad} for both at once,
 * and {@link #iterate} for a loop that replaces one tensor by the next.
 */
public final class Scopes {
    private Scopes() {
    }

    /**
     * Runs {@code body} in its own scope, frees every tensor it made except its result, and hands
     * the result to the caller's innermost scope (if there is one).
     */
    public static Tensor keepResult(Supplier<Tensor> body) {
        return handToCaller(retained(body));
    }

    /**
     * {@link #keepResult} for a block with several tensor results: frees every other tensor it made
     * and hands each result to the caller's innermost scope (if there is one).
     */
    public static Tensor[] keepResults(Supplier<Tensor[]> body) {
        Tensor[] results;
        try (PointerScope scope = new PointerScope()) {
            results = body.get();
            for (Tensor result : results) {
                result.retainReference();
            }
        }
        for (Tensor result : results) {
            handToCaller(result);
        }
        return results;
    }

    /** A block of work that may fail with a checked exception. */
    @FunctionalInterface
    public interface Body<T, E extends Exception> {
        /** Does the work and returns its result. */
        T run() throws E;
    }

    /**
     * Runs {@code body} in its own scope and frees every tensor it made, its result's included: for work whose
     * result is not a tensor (images written to files, numbers read out), so a loop over it keeps memory flat.
     * At the top of a command or thread it is the outermost scope, which frees whatever the work left behind.
     */
    public static <T, E extends Exception> T freeing(Body<T, E> body) throws E {
        try (PointerScope scope = new PointerScope()) {
            return body.run();
        }
    }

    /**
     * Runs {@code body} with gradients off (autograd records nothing) and restores the previous mode
     * after it, however it ends. Tensors it makes stay in the caller's scope, so it may return them.
     */
    public static <T, E extends Exception> T noGrad(Body<T, E> body) throws E {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            return body.run();
        }
    }

    /**
     * {@link #freeing} with gradients off: runs {@code body} without gradients in its own scope, restores
     * the gradient mode and then frees every tensor it made. For inference whose result is not a tensor.
     */
    public static <T, E extends Exception> T freeingNoGrad(Body<T, E> body) throws E {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            return body.run();
        }
    }

    /** One step of {@link #iterate}: the next value from the current one. */
    @FunctionalInterface
    public interface Step {
        /** The value after {@code x} at step {@code k} (0, 1, …), a new tensor. */
        Tensor next(Tensor x, int k);
    }

    /** Told after each step of {@link #iterate}, outside the step's scope. */
    @FunctionalInterface
    public interface StepDone {
        /** Step {@code k} (0, 1, …) has finished. */
        void done(int k);
    }

    /**
     * Applies {@code step} {@code count} times from {@code start} (left untouched), each in its own scope,
     * so only the current value survives from one step to the next and a long loop does not grow native
     * memory; {@code after} (may be null) is told of each finished step. The last value is handed to the
     * caller's innermost scope (if there is one).
     */
    public static Tensor iterate(Tensor start, int count, Step step, StepDone after) {
        Tensor x = start;
        for (int k = 0; k < count; k++) {
            Tensor current = x;
            int index = k;
            Tensor next = retained(() -> step.next(current, index));
            if (x != start) {
                x.releaseReference();
            }
            x = next;
            if (after != null) {
                after.done(k);
            }
        }
        return handToCaller(x);
    }

    /** Runs {@code body} in its own scope and returns its result with a reference the caller owns. */
    private static Tensor retained(Supplier<Tensor> body) {
        try (PointerScope scope = new PointerScope()) {
            return body.get().retainReference();
        }
    }

    /** Attaches a tensor holding one owned reference to the innermost scope, if there is one, and drops that reference. */
    private static Tensor handToCaller(Tensor result) {
        PointerScope outer = PointerScope.getInnerScope();
        if (outer != null) {
            outer.attach(result);
            result.releaseReference();
        }
        return result;
    }
}
