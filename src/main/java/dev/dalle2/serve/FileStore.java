package dev.dalle2.serve;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The images behind {@code url} responses, held in memory (never written to disk) under random names of 128 bits,
 * each for {@code ttl}; the oldest go first when the store holds more than {@code maxBytes}. A name from a request
 * is only ever a key of this map, never a path.
 */
final class FileStore {
    /** What a file name looks like: 32 hex digits and {@code .png}. */
    static final Pattern NAME = Pattern.compile("[0-9a-f]{32}\\.png");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Duration ttl;
    private final long maxBytes;
    private final Clock clock;
    /** Files in the order they were stored, so the first ones are the oldest. */
    private final LinkedHashMap<String, Entry> files = new LinkedHashMap<>();
    private long bytes;

    private record Entry(byte[] data, long expires) {}

    FileStore(Duration ttl, long maxBytes, Clock clock) {
        this.ttl = ttl;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** Stores a PNG and returns its new name. */
    synchronized String put(byte[] png) {
        expire();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String name = HexFormat.of().formatHex(id) + ".png";
        files.put(name, new Entry(png, clock.millis() + ttl.toMillis()));
        bytes += png.length;
        Iterator<Map.Entry<String, Entry>> oldest = files.entrySet().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            bytes -= oldest.next().getValue().data().length;
            oldest.remove();
        }
        return name;
    }

    /** The file's bytes, or null when there is no such file or it has expired. */
    synchronized byte[] get(String name) {
        expire();
        Entry e = NAME.matcher(name).matches() ? files.get(name) : null;
        return e == null ? null : e.data();
    }

    synchronized long bytes() {
        return bytes;
    }

    Duration ttl() {
        return ttl;
    }

    private void expire() {
        long now = clock.millis();
        Iterator<Map.Entry<String, Entry>> it = files.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.expires() > now) {
                break; // stored in order with the same ttl, so the rest expire later
            }
            bytes -= e.data().length;
            it.remove();
        }
    }
}
