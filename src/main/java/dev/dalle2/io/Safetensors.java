package dev.dalle2.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.nn.Engine;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes tensors in the safetensors format of Hugging Face: an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON describing each tensor's dtype, shape and byte range
 * (plus an optional {@code __metadata__} object of strings), then the tensors' raw little-endian
 * bytes, which must cover the data section exactly. Tensors read are CPU tensors.
 */
public final class Safetensors {
    static {
        Engine.start();
    }

    /** Headers longer than this are taken for corruption rather than read into memory. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Safetensors() {}

    /** Reads and validates the header of {@code file}; tensor data is read later, on demand. */
    public static SafetensorsFile open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new SafetensorsException(file, "a folder, not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file, "file has " + size + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(channel, 0, 8, file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > size - 8) {
                throw new SafetensorsException(file, "header length " + headerLength + " exceeds file size " + size);
            }
            ByteBuffer header = readFully(channel, 8, (int) headerLength, file);
            long dataStart = 8 + headerLength;
            return parseHeader(file, header.array(), dataStart, size - dataStart);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
    }

    /** All tensors of {@code file} by name, in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return open(file).tensors();
    }

    /**
     * Writes {@code tensors} (in the map's order, any device, any layout) and {@code metadata}
     * (may be null or empty; its keys in sorted order, so the bytes do not depend on the map's
     * iteration order) to {@code file}, atomically. The header is padded with spaces so
     * that the data section starts at a multiple of 8 bytes.
     *
     * @throws IllegalArgumentException when a tensor's dtype is not one of {@link DType}, or a
     *                                  name is {@code __metadata__}; nothing is written then
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        List<Tensor> contiguous = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA)) {
                throw new IllegalArgumentException(file + ": '" + METADATA + "' is reserved and cannot name a tensor");
            }
            Tensor t = e.getValue().detach().cpu().contiguous();
            DType dtype = DType.of(t.scalar_type()).orElseThrow(() -> new IllegalArgumentException(file + ": tensor '"
                    + name + "' has dtype " + t.scalar_type() + ", which cannot be saved (supported: " + DType.names() + ")"));
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", dtype.name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + t.nbytes());
            offset += t.nbytes();
            contiguous.add(t);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (Tensor t : contiguous) {
                writeData(out, t);
            }
        });
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        long bytes = t.nbytes();
        byte[] chunk = new byte[(int) Math.min(bytes, 1 << 20)];
        BytePointer data = new BytePointer(t.data_ptr());
        for (long done = 0; done < bytes; done += chunk.length) {
            int n = (int) Math.min(chunk.length, bytes - done);
            data.position(done).get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private static SafetensorsFile parseHeader(Path file, byte[] header, long dataStart, long dataSize) throws SafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file, "header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue(), dataSize));
            }
        }
        checkCoverage(file, entries, dataSize);
        return new SafetensorsFile(file, dataStart, entries, metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(file, METADATA + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw new SafetensorsException(file, METADATA + " value of '" + field.getKey() + "' is not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static TensorEntry parseEntry(Path file, String name, JsonNode node, long dataSize) throws SafetensorsException {
        String where = "tensor '" + name + "': ";
        if (!node.isObject()) {
            throw new SafetensorsException(file, where + "entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(file, where + "dtype is missing or not a string");
        }
        DType dtype = DType.byName(dtypeNode.textValue()).orElseThrow(() -> new SafetensorsException(file,
                where + "unknown dtype '" + dtypeNode.textValue() + "' (supported: " + DType.names() + ")"));
        long[] shape = longs(node.get("shape"), -1);
        if (shape == null) {
            throw new SafetensorsException(file, where + "shape is missing or not an array of non-negative integers");
        }
        long[] offsets = longs(node.get("data_offsets"), 2);
        if (offsets == null) {
            throw new SafetensorsException(file, where + "data_offsets is missing or not two non-negative integers");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsException(file, where + "data_offsets begin " + begin + " is after end " + end);
        }
        if (end > dataSize) {
            throw new SafetensorsException(file, where + "data ends at byte " + end + " but the data section has only "
                    + dataSize + " bytes (truncated file?)");
        }
        TensorEntry entry = new TensorEntry(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(entry.numel(), dtype.size());
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, where + "shape " + Arrays.toString(shape) + " is too large");
        }
        if (end - begin != expected) {
            throw new SafetensorsException(file, where + "data_offsets span " + (end - begin) + " bytes but "
                    + dtype + Arrays.toString(shape) + " needs " + expected);
        }
        return entry;
    }

    /** The values of an array of non-negative integers of the given length (any when -1), or null. */
    private static long[] longs(JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            return null;
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                return null;
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** Checks that the tensors' byte ranges tile the data section: no overlaps, no holes. */
    private static void checkCoverage(Path file, List<TensorEntry> entries, long dataSize) throws SafetensorsException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        String previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < covered) {
                throw new SafetensorsException(file, "tensor '" + e.name() + "' overlaps tensor '" + previous
                        + "' (bytes " + e.begin() + " to " + covered + ")");
            }
            if (e.begin() > covered) {
                throw new SafetensorsException(file, "bytes " + covered + " to " + e.begin()
                        + " of the data section belong to no tensor (hole before '" + e.name() + "')");
            }
            covered = e.end();
            previous = e.name();
        }
        if (covered != dataSize) {
            throw new SafetensorsException(file, "bytes " + covered + " to " + dataSize
                    + " of the data section belong to no tensor");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new SafetensorsException(file, "file ended while reading the header");
            }
        }
        return buffer.flip();
    }
}
