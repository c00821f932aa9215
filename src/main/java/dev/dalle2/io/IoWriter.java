package dev.dalle2.io;

import java.io.IOException;
import java.io.OutputStream;

/** Writes a file's whole content to a stream; the stream is buffered and closed by the caller. */
@FunctionalInterface
public interface IoWriter {
    void write(OutputStream out) throws IOException;
}
