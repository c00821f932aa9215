package dev.dalle2.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that is malformed or cannot be read as such. The message is one line that
 * names the file and the problem, e.g. {@code "model.safetensors: header length 999999 exceeds file size 120"}.
 */
public class SafetensorsException extends IOException {
    public SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
