package dev.dalle2.io;

import dev.dalle2.nn.Engine;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A safetensors file whose header has been read and validated by {@link Safetensors#open}. Tensor
 * data is read from the file on demand, straight into the memory of new CPU tensors that own it;
 * the file is not held open between calls.
 */
public final class SafetensorsFile {
    static {
        Engine.start();
    }

    private final Path file;
    private final long dataStart;
    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    SafetensorsFile(Path file, long dataStart, List<TensorEntry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = List.copyOf(entries);
        this.byName = entries.stream().collect(Collectors.toMap(TensorEntry::name, e -> e));
        this.metadata = Map.copyOf(metadata);
    }

    public Path path() {
        return file;
    }

    /** The tensors' entries in header order. */
    public List<TensorEntry> entries() {
        return entries;
    }

    /** The header's {@code __metadata__} object; empty when the file has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensor {@code name} as a CPU tensor of the file's dtype and shape.
     *
     * @throws IllegalArgumentException when the file holds no tensor of that name
     */
    public Tensor tensor(String name) throws IOException {
        TensorEntry entry = byName.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "' among its " + entries.size() + " tensors");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, entry);
        }
    }

    /** All tensors by name, in header order, as CPU tensors of the file's dtypes and shapes. */
    public Map<String, Tensor> tensors() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (TensorEntry entry : entries) {
                tensors.put(entry.name(), read(channel, entry));
            }
        }
        return tensors;
    }

    private Tensor read(FileChannel channel, TensorEntry entry) throws IOException {
        long bytes = entry.end() - entry.begin();
        if (bytes > Integer.MAX_VALUE) {
            throw new SafetensorsException(file, "tensor '" + entry.name() + "' has " + bytes + " bytes, more than this reader's 2 GiB limit");
        }
        Tensor tensor = torch.empty(entry.shape(), new TensorOptions(entry.dtype().scalarType()), new MemoryFormatOptional());
        if (bytes == 0) {
            return tensor;
        }
        ByteBuffer target = new BytePointer(tensor.data_ptr()).capacity(bytes).asBuffer();
        long position = dataStart + entry.begin();
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new SafetensorsException(file, "file ended inside tensor '" + entry.name() + "' (truncated since it was opened?)");
            }
        }
        return tensor;
    }
}
