package dev.dalle2.tokenizer;

import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Texts;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An ordered byte-pair merge list, most important first, in the text format of CLIP's
 * {@code bpe_simple_vocab_16e6.txt}: a header line, then one merge per line as two symbols
 * separated by a space ({@code "i n"}, {@code "t h</w>"}). Files may be gzip-compressed.
 */
public final class Merges {
    /** The most merges CLIP reads from a file: 49152 - 256 - 2, for a 49,408-token vocabulary. */
    public static final int CLIP_LIMIT = 49152 - 256 - 2;
    private static final String HEADER = "#version: 0.2";

    /** One merge: the adjacent symbols {@code left} and {@code right} become {@code left + right}. */
    public record Merge(String left, String right) {
        /** The merged symbol. */
        public String joined() {
            return left + right;
        }
    }

    private final List<Merge> list;

    public Merges(List<Merge> list) {
        this.list = List.copyOf(list);
    }

    /**
     * Reads a merge file (plain or gzip), skipping its header line and blank lines and keeping at
     * most {@link #CLIP_LIMIT} merges, as CLIP does.
     */
    public static Merges read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads merges from {@code in} like {@link #read(Path)}; {@code name} appears in error messages. */
    public static Merges read(InputStream in, String name) throws IOException {
        InputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        InputStream source = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        List<Merge> merges = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8))) {
            if (reader.readLine() == null) {
                throw new IOException(name + ": empty merge file");
            }
            int lineNo = 1;
            for (String line = reader.readLine(); line != null && merges.size() < CLIP_LIMIT; line = reader.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 2) {
                    throw new IOException(name + " line " + lineNo + ": expected two symbols, got " + Texts.quoted(line));
                }
                merges.add(new Merge(parts[0], parts[1]));
            }
        }
        return new Merges(merges);
    }

    /** Writes the merges with a {@code #version} header, gzip-compressed when the name ends in {@code .gz}. */
    public void save(Path file) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(file, out -> {
            OutputStream target = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
            Writer w = new OutputStreamWriter(target, StandardCharsets.UTF_8);
            w.write(HEADER + "\n");
            for (Merge m : list) {
                w.write(m.left() + " " + m.right() + "\n");
            }
            w.flush();
            if (gzip) {
                ((GZIPOutputStream) target).finish();
            }
        });
    }

    /** The merges in rank order. */
    public List<Merge> list() {
        return list;
    }

    public int size() {
        return list.size();
    }
}
