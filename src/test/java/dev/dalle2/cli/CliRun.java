package dev.dalle2.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run of the {@code dalle2} command line in-process: its exit code and what it printed. */
record CliRun(int code, String out, String err) {
    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Asserts a failure with {@code code} and exactly one error line that mentions {@code contains}. */
    void assertOneLineError(int expectedCode, String contains) {
        assertEquals(expectedCode, code, err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("dalle2: ") && err.contains(contains), err);
    }
}
