package dev.dalle2.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** A CPU tensor of {@code dtype} and {@code shape} holding random bytes (any bit pattern, NaNs included). */
    private static Tensor randomTensor(DType dtype, Random random, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(dtype.scalarType()), new MemoryFormatOptional());
        byte[] bytes = new byte[(int) t.nbytes()];
        random.nextBytes(bytes);
        if (bytes.length > 0) {
            new BytePointer(t.data_ptr()).capacity(bytes.length).put(bytes);
        }
        return t;
    }

    private static DType dtype(Tensor t) {
        return DType.of(t.scalar_type()).orElseThrow();
    }

    private static byte[] rawBytes(Tensor t) {
        Tensor c = t.contiguous();
        byte[] bytes = new byte[(int) c.nbytes()];
        if (bytes.length > 0) {
            new BytePointer(c.data_ptr()).capacity(bytes.length).get(bytes);
        }
        return bytes;
    }

    @Test
    void everyDtypeRoundTripsBitForBit() throws IOException {
        Random random = new Random(42);
        Map<String, Tensor> written = new LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            written.put(dtype + ".matrix", randomTensor(dtype, random, 2, 3));
            written.put(dtype + ".scalar", randomTensor(dtype, random));
            written.put(dtype + ".empty", randomTensor(dtype, random, 2, 0, 3));
            written.put(dtype + ".vector", randomTensor(dtype, random, 5));
        }
        Path file = dir.resolve("all.safetensors");
        Safetensors.write(file, written, Map.of());

        Map<String, Tensor> read = Safetensors.read(file);
        assertEquals(List.copyOf(written.keySet()), List.copyOf(read.keySet()), "file order is the map's order");
        for (Map.Entry<String, Tensor> e : written.entrySet()) {
            Tensor r = read.get(e.getKey());
            assertEquals(dtype(e.getValue()), dtype(r), e.getKey());
            assertArrayEquals(e.getValue().shape(), r.shape(), e.getKey());
            assertArrayEquals(rawBytes(e.getValue()), rawBytes(r), e.getKey());
        }
        assertTrue(Safetensors.open(file).metadata().isEmpty());
    }

    @Test
    void entriesDescribeTheTensorsInFileOrder() throws IOException {
        Path file = dir.resolve("entries.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Ops.longTensor(new long[] {1, 2, 3}, 3));
        tensors.put("a", Ops.tensor(new float[] {1, 2, 3, 4}, 2, 2));
        Safetensors.write(file, tensors, null);

        SafetensorsFile f = Safetensors.open(file);
        assertEquals(List.of(new TensorEntry("b", DType.I64, new long[] {3}, 0, 24),
                new TensorEntry("a", DType.F32, new long[] {2, 2}, 24, 40)), f.entries());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Ops.toFloats(f.tensor("a")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.tensor("c"));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }

    @Test
    void metadataRoundTrips() throws IOException {
        Path file = dir.resolve("meta.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("config", "{\"dim\": 512, \"name\": \"prior ü\"}");
        Safetensors.write(file, Map.of("x", Ops.tensor(new float[] {1}, 1)), metadata);
        assertEquals(metadata, Safetensors.open(file).metadata());
    }

    @Test
    void theBytesDoNotDependOnTheMetadataMapsOrder() throws IOException {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("kind", "prior");
        forward.put("step", "10");
        forward.put("weights", "ema");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("weights", "ema");
        backward.put("step", "10");
        backward.put("kind", "prior");
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Safetensors.write(a, Map.of("x", Ops.tensor(new float[] {1}, 1)), forward);
        Safetensors.write(b, Map.of("x", Ops.tensor(new float[] {1}, 1)), backward);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "a network folder's weights file is the same in every JVM");
    }

    @Test
    void nonContiguousTensorsAreWrittenInRowMajorOrder() throws IOException {
        Tensor t = Ops.tensor(new float[] {0, 1, 2, 3, 4, 5}, 2, 3).t();
        assertFalse(t.is_contiguous());
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("t", t), Map.of());
        Tensor r = Safetensors.read(file).get("t");
        assertArrayEquals(new long[] {3, 2}, r.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Ops.toFloats(r));
    }

    @Test
    void writtenFileFollowsTheSpecWithAlignedData() throws IOException {
        Path file = dir.resolve("spec.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("u", randomTensor(DType.U8, new Random(1), 3));
        tensors.put("f", Ops.tensor(new float[] {1.5f, -2f}, 2));
        Safetensors.write(file, tensors, Map.of("k", "v"));

        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section starts at a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), "padding is spaces");

        JsonNode json = new ObjectMapper().readTree(header);
        assertEquals("v", json.get("__metadata__").get("k").textValue());
        Iterator<String> names = json.fieldNames();
        assertEquals(List.of("__metadata__", "u", "f"), List.of(names.next(), names.next(), names.next()));
        assertEquals("U8", json.get("u").get("dtype").textValue());
        assertEquals("[3]", json.get("u").get("shape").toString());
        assertEquals("[0,3]", json.get("u").get("data_offsets").toString());
        assertEquals("F32", json.get("f").get("dtype").textValue());
        assertEquals("[3,11]", json.get("f").get("data_offsets").toString());

        int dataStart = (int) (8 + n);
        assertEquals(11, bytes.length - dataStart, "data section is exactly covered");
        ByteBuffer f = ByteBuffer.wrap(bytes, dataStart + 3, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.5f, f.getFloat());
        assertEquals(-2f, f.getFloat());
    }

    @Test
    void unsupportedDtypeIsRejectedBeforeWriting() {
        Path file = dir.resolve("double.safetensors");
        Tensor d = Ops.tensor(new float[] {1}, 1).to(torch.ScalarType.Double);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of("d", d), Map.of()));
        assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("Double"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void readsAFileWrittenByTheIndependentPythonScript() throws IOException, URISyntaxException {
        Path file = Path.of(getClass().getResource("/reference.safetensors").toURI());
        SafetensorsFile f = Safetensors.open(file);
        assertEquals(Map.of("format", "pt", "source", "make_reference_safetensors.py"), f.metadata());
        assertEquals(List.of("f32", "i64", "i32", "u8", "f16", "bf16", "scalar"),
                f.entries().stream().map(TensorEntry::name).toList());
        Map<String, Tensor> t = f.tensors();

        assertEquals(DType.F32, dtype(t.get("f32")));
        assertArrayEquals(new long[] {2, 3}, t.get("f32").shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, Ops.toFloats(t.get("f32")));

        assertEquals(DType.I64, dtype(t.get("i64")));
        assertArrayEquals(new long[] {-1, 0, 7, (1L << 40) + 3}, Ops.toLongs(t.get("i64")));

        assertEquals(DType.I32, dtype(t.get("i32")));
        assertArrayEquals(new long[] {-7, Integer.MAX_VALUE}, Ops.toLongs(t.get("i32")));

        assertEquals(DType.U8, dtype(t.get("u8")));
        assertArrayEquals(new long[] {2, 2}, t.get("u8").shape());
        assertArrayEquals(new long[] {0, 1, 127, 255}, Ops.toLongs(t.get("u8")));

        assertEquals(DType.F16, dtype(t.get("f16")));
        assertArrayEquals(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0, 0x00, 0x38, 0x00, 0x7C}, rawBytes(t.get("f16")));
        assertArrayEquals(new float[] {1, -2, 0.5f, Float.POSITIVE_INFINITY}, Ops.toFloats(t.get("f16")));

        assertEquals(DType.BF16, dtype(t.get("bf16")));
        assertArrayEquals(new float[] {1, -2, 3.140625f}, Ops.toFloats(t.get("bf16")));

        assertEquals(0, t.get("scalar").dim());
        assertEquals(-1.5, t.get("scalar").item_double());
    }

    @Test
    void missingFileGivesAOneLineMessageNamingIt() {
        Path file = dir.resolve("absent.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Safetensors.open(file));
        assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    // ----- corrupt files ---------------------------------------------------------------------

    /** A file with the given header length field, header text and data section size. */
    private static byte[] file(long headerLength, String header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    static Stream<Arguments> corruptFiles() {
        String ok = entry("a", "F32", "[2]", "[0,8]");
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("too short", new byte[5], "too short"),
                Arguments.of("header longer than file", file(999_999, "{}", 0), "header length 999999 exceeds file size 10"),
                Arguments.of("absurd header length", file(1L << 40, "{}", 0), "exceeds the limit"),
                Arguments.of("negative header length", file(-1, "{}", 0), "exceeds the limit"),
                Arguments.of("invalid JSON", file("{\"a\":", 0), "not valid JSON"),
                Arguments.of("trailing garbage", file("{} x", 0), "not valid JSON"),
                Arguments.of("duplicate name", file("{" + ok + "," + ok + "}", 8), "not valid JSON"),
                Arguments.of("array header", file("[1,2]", 0), "not a JSON object"),
                Arguments.of("empty header", file("", 0), "not a JSON object"),
                Arguments.of("metadata not strings", file("{\"__metadata__\":{\"k\":1}}", 0), "'k' is not a string"),
                Arguments.of("entry not object", file("{\"a\":3}", 0), "not a JSON object"),
                Arguments.of("unknown dtype", file("{" + entry("a", "Q7", "[2]", "[0,8]") + "}", 8), "unknown dtype 'Q7'"),
                Arguments.of("negative dim", file("{" + entry("a", "F32", "[-2]", "[0,8]") + "}", 8), "shape"),
                Arguments.of("fractional dim", file("{" + entry("a", "F32", "[2.5]", "[0,8]") + "}", 8), "shape"),
                Arguments.of("offsets missing", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "data_offsets"),
                Arguments.of("three offsets", file("{" + entry("a", "F32", "[2]", "[0,4,8]") + "}", 8), "data_offsets"),
                Arguments.of("offsets not numbers", file("{" + entry("a", "F32", "[2]", "[\"0\",\"8\"]") + "}", 8), "data_offsets"),
                Arguments.of("begin after end", file("{" + entry("a", "F32", "[0]", "[8,0]") + "}", 8), "begin 8 is after end 0"),
                Arguments.of("truncated data", file("{" + ok + "}", 5), "truncated"),
                Arguments.of("wrong byte length", file("{" + entry("a", "F32", "[3]", "[0,8]") + "}", 8), "needs 12"),
                Arguments.of("overlap", file("{" + ok + "," + entry("b", "F32", "[1]", "[4,8]") + "}", 8), "overlaps"),
                Arguments.of("hole", file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}", 12),
                        "belong to no tensor"),
                Arguments.of("uncovered tail", file("{" + ok + "}", 12), "belong to no tensor")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void corruptFilesAreRejectedWithAMessageNamingTheFile(String label, byte[] content, String problem) throws IOException {
        Path file = dir.resolve("corrupt.safetensors");
        Files.write(file, content);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file), label);
        assertTrue(e.getMessage().contains("corrupt.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theValidVariantOfTheCorruptCasesReads() throws IOException {
        Path file = dir.resolve("valid.safetensors");
        Files.write(file, file("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("z", "F32", "[0]", "[8,8]") + "}  ", 8));
        Map<String, Tensor> t = Safetensors.read(file);
        assertArrayEquals(new float[] {0, 0}, Ops.toFloats(t.get("a")));
        assertArrayEquals(new long[] {0}, t.get("z").shape());
        assertEquals(Arrays.asList("a", "z"), List.copyOf(t.keySet()));
    }
}
