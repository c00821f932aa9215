package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Supplier;

/**
 * Frees a computation's temporary tensors as soon as it ends, as Python's reference counting does,
 * instead of at the end of the caller's {@link PointerScope}. A layer's forward pass makes many
 * intermediates (casts, activations) that autograd does not keep; freeing them at once lowers a
 * training step's peak memory. Tensors autograd saved for the backward pass stay alive: the graph
 * holds its own references.
 */
public final class Scopes {
    private Scopes() {
    }

    /**
     * Runs {@code body} in its own scope, frees every tensor it made except its result, and hands
     * the result to the caller's innermost scope (if there is one).
     */
    public static Tensor keepResult(Supplier<Tensor> body) {
        Tensor result;
        try (PointerScope scope = new PointerScope()) {
            result = body.get().retainReference();
        }
        PointerScope outer = PointerScope.getInnerScope();
        if (outer != null) {
            outer.attach(result);
            result.releaseReference();
        }
        return result;
    }

    /** A block of work that may fail with a checked exception. */
    @FunctionalInterface
    public interface Body<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code body} in its own scope and frees every tensor it made, its result's included: for work whose
     * result is not a tensor (images written to files, numbers read out), so a loop over it keeps memory flat.
     */
    public static <T, E extends Exception> T freeing(Body<T, E> body) throws E {
        try (PointerScope scope = new PointerScope()) {
            return body.run();
        }
    }
}
