package dev.dalle2.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code eval model} refuses options that cannot be measured together, in one line and before loading anything. */
class EvalModelCommandTest {
    @TempDir
    Path dir;

    @Test
    void refusesOptionsThatDoNotGoTogether() {
        assertRefused("give --hold-out or --template, not both", "--hold-out", "red star", "--template", "a {}");
        assertRefused("--offset must not be negative, got -1", "--template", "a {}", "--offset", "-1");
        assertRefused("--offset shifts the concepts of --template; give --template too", "--offset", "3");
        assertRefused("--prior-captions must be at least 1", "--prior-captions", "0");
        assertRefused("--template needs {} where the concept's name goes, got \"a drawing\"", "--template", "a drawing");
    }

    /** The model folder does not exist, so a check made after loading would fail with another message. */
    private void assertRefused(String message, String... options) {
        String[] args = new String[options.length + 6];
        System.arraycopy(new String[] {"eval", "model", "--model", dir.resolve("none").toString(), "--out",
                dir.resolve("out").toString()}, 0, args, 0, 6);
        System.arraycopy(options, 0, args, 6, options.length);
        CliRun r = run(args);
        assertEquals("dalle2: " + message + System.lineSeparator(), r.err());
        assertEquals(1, r.code());
        assertEquals("", r.out());
    }
}
