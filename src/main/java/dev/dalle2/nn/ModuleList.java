package dev.dalle2.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An ordered list of sub-modules named {@code 0, 1, 2, …}, like PyTorch's {@code nn.ModuleList}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public M add(M module) {
        items.add(child(Integer.toString(items.size()), module));
        return module;
    }

    public M get(int index) {
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
