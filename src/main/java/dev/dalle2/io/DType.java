package dev.dalle2.io;

import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types this project stores in safetensors files: the safetensors dtype name (the
 * constant's name), the size of one element in bytes and the matching libtorch scalar type.
 */
public enum DType {
    F32(4, torch.ScalarType.Float),
    F16(2, torch.ScalarType.Half),
    BF16(2, torch.ScalarType.BFloat16),
    I64(8, torch.ScalarType.Long),
    I32(4, torch.ScalarType.Int),
    U8(1, torch.ScalarType.Byte);

    private final int size;
    private final torch.ScalarType scalarType;

    DType(int size, torch.ScalarType scalarType) {
        this.size = size;
        this.scalarType = scalarType;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public torch.ScalarType scalarType() {
        return scalarType;
    }

    /** The dtype whose safetensors name is {@code name} (case-sensitive, as in the spec), if supported. */
    public static Optional<DType> byName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The dtype that stores libtorch's {@code type}, if supported. */
    public static Optional<DType> of(torch.ScalarType type) {
        // The presets return fresh enum objects from native calls; intern() gives the constant.
        torch.ScalarType constant = type.intern();
        return Arrays.stream(values()).filter(d -> d.scalarType == constant).findFirst();
    }

    /** The supported names, for error messages: "F32, F16, BF16, I64, I32, U8". */
    static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
