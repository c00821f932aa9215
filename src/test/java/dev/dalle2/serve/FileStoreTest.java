package dev.dalle2.serve;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store behind {@code url} responses: random names, expiry, a bound on its bytes. */
class FileStoreTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        long millis = 1_000_000;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void filesHaveRandomNamesAndExpire() {
        Manual clock = new Manual();
        FileStore store = new FileStore(Duration.ofMinutes(60), 1 << 20, clock);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String name = store.put(new byte[] {(byte) i});
            assertTrue(FileStore.NAME.matcher(name).matches(), name);
            names.add(name);
        }
        assertEquals(100, names.size());
        String name = store.put(new byte[] {1, 2, 3});
        clock.millis += Duration.ofMinutes(59).toMillis();
        assertArrayEquals(new byte[] {1, 2, 3}, store.get(name));
        clock.millis += Duration.ofMinutes(2).toMillis();
        assertNull(store.get(name), "expired after an hour");
        assertEquals(0, store.bytes(), "expired files free their bytes");
    }

    @Test
    void theOldestGoFirstWhenTheStoreIsFull() {
        FileStore store = new FileStore(Duration.ofHours(1), 10, new Manual());
        String first = store.put(new byte[4]);
        String second = store.put(new byte[4]);
        String third = store.put(new byte[4]);
        assertNull(store.get(first));
        assertEquals(4, store.get(second).length);
        assertEquals(4, store.get(third).length);
        assertEquals(8, store.bytes());
    }

    @Test
    void namesThatAreNotOursFindNothing() {
        FileStore store = new FileStore(Duration.ofHours(1), 1 << 20, new Manual());
        store.put(new byte[] {1});
        for (String name : new String[] {"../../etc/passwd", "/etc/passwd", "", "pom.xml", "A".repeat(32) + ".png"}) {
            assertNull(store.get(name), name);
        }
    }
}
