package io.blinkstore.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that Redis refuses for want of memory ({@code -OOM}: here a server at its {@code maxmemory} with the
 * {@code noeviction} policy) is {@link EntryTooLargeException}, whichever operation makes it, {@code getOrLoad}
 * included, whose lock finds no room either.
 */
class OutOfMemoryIT {
  @TempDir static Path dir;
  private static RedisProcess redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.startWithAclUser(dir, RedisProcess.freePort(), "--maxmemory-policy", "noeviction");
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aWriteRefusedForWantOfMemoryIsEntryTooLargeException() throws Exception {
    try (BlinkStore store = BlinkRedis.connect(TestRedis.aclUserAddress("redis", redis.port()))) {
      TestRedis.expect("OK", redis.command("CONFIG", "SET", "maxmemory", "1"));
      try {
        byte[] value = "value".getBytes(UTF_8);
        assertRefused(6, () -> store.set("k", value));
        assertRefused(6, () -> store.set("k", value, Duration.ofHours(1)));
        assertRefused(6, () -> store.setIfAbsent("k", value));
        assertRefused(6, () -> store.setIfAbsent("k", value, Duration.ofHours(1)));
        assertRefused(21, () -> store.incrementBy("k", 1));
        AtomicInteger loads = new AtomicInteger();
        assertRefused(6, () -> store.getOrLoad("k", key -> {
          loads.incrementAndGet();
          return value;
        }));
        assertEquals(1, loads.get(), "loads");
        assertEquals("0", redis.command("DBSIZE"), "nothing stored, no lock left");
      } finally {
        TestRedis.expect("OK", redis.command("CONFIG", "SET", "maxmemory", "64mb"));
      }
      store.set("k", "stored once there is room");
      assertEquals("stored once there is room", store.getString("k"));
    }
  }

  private static void assertRefused(long entryBytes, Executable write) {
    EntryTooLargeException e = assertThrows(EntryTooLargeException.class, write);
    assertEquals(entryBytes, e.entryBytes(), e.getMessage());
    assertEquals(1, e.memoryLimit(), e.getMessage());
  }
}
