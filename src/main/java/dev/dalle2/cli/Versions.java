package dev.dalle2.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project's and the engine's versions, from the build-time {@code dalle2.properties}. */
public final class Versions implements CommandLine.IVersionProvider {
    private static final Properties PROPERTIES = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dalle2.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String project() {
        return PROPERTIES.getProperty("version", "unknown");
    }

    /** The JavaCPP presets' version, e.g. 2.10.0-1.5.13 (libtorch 2.10.0). */
    public static String presets() {
        return PROPERTIES.getProperty("pytorch.version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"dalle2 " + project(), "libtorch " + presets().split("-")[0]
                + " (JavaCPP presets " + presets() + ")", "Java " + System.getProperty("java.version")};
    }
}
