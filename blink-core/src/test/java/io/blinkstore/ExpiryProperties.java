package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Model-based properties of expiry and counters: random runs of writes, TTL changes, counter updates and clock
 * advances on a few colliding keys, against a {@code HashMap} model that keeps each entry's expiry time and does
 * its own byte accounting, timed by the same {@link FakeTicker} as the store.
 */
class ExpiryProperties {
  private static final List<String> KEYS = List.of("a", "b", "ключ", "日本", "🔑");
  private static final int MAX_VALUE_LENGTH = 32;
  private static final long NEVER = Long.MAX_VALUE;

  /**
   * Room for every key live and every key expired but not yet removed, so nothing is ever evicted for size and
   * the store must match the model exactly (reads of usage, size and stats remove expired entries first).
   */
  private static final long LIMIT = 2 * KEYS.stream().mapToLong(k -> utf8(k) + MAX_VALUE_LENGTH).sum();

  sealed interface Op {}

  record Set(String key, int length, long ttlMillis) implements Op {} // ttlMillis 0: no TTL

  record Expire(String key, long ttlMillis) implements Op {}

  record Persist(String key) implements Op {}

  record Increment(String key, long delta) implements Op {}

  record Delete(String key) implements Op {}

  record Clear() implements Op {}

  record Advance(long millis) implements Op {}

  /** A model entry; {@code expiresAt} is a ticker reading, or {@link #NEVER}. */
  record Entry(byte[] value, long expiresAt) {}

  @Property(tries = 500)
  void storeMatchesAModelWithExpiryTimes(@ForAll("ops") List<Op> ops) {
    FakeTicker clock = new FakeTicker();
    try (BlinkStore store = clock.store(LIMIT)) {
      Run run = new Run(store, clock);
      for (Op op : ops) {
        run.apply(op);
        run.verify(op);
      }
      run.verifyAfterEverythingExpired();
    }
  }

  private static final class Run {
    private final BlinkStore store;
    private final FakeTicker clock;
    private final Map<String, Entry> model = new HashMap<>();
    private long expirations;
    private int sequence;

    Run(BlinkStore store, FakeTicker clock) {
      this.store = store;
      this.clock = clock;
    }

    void apply(Op op) {
      if (op instanceof Set set) {
        byte[] value = value(set.key(), set.length(), sequence++);
        if (set.ttlMillis() == 0) {
          store.set(set.key(), value);
        } else {
          store.set(set.key(), value, Duration.ofMillis(set.ttlMillis()));
        }
        model.put(set.key(), new Entry(value, expiry(set.ttlMillis())));
      } else if (op instanceof Expire expire) {
        Entry entry = model.get(expire.key());
        assertEquals(entry != null, store.expire(expire.key(), Duration.ofMillis(expire.ttlMillis())), op::toString);
        if (entry != null) {
          model.put(expire.key(), new Entry(entry.value(), expiry(expire.ttlMillis())));
        }
      } else if (op instanceof Persist persist) {
        Entry entry = model.get(persist.key());
        assertEquals(entry != null && entry.expiresAt() != NEVER, store.persist(persist.key()), op::toString);
        if (entry != null) {
          model.put(persist.key(), new Entry(entry.value(), NEVER));
        }
      } else if (op instanceof Increment increment) {
        increment(increment);
      } else if (op instanceof Delete delete) {
        assertEquals(model.containsKey(delete.key()), store.delete(delete.key()), op::toString);
        model.remove(delete.key());
      } else if (op instanceof Clear) {
        store.clear();
        model.clear();
      } else if (op instanceof Advance advance) {
        clock.advance(Duration.ofMillis(advance.millis()));
        expireModel();
      }
    }

    private void increment(Increment op) {
      Entry entry = model.get(op.key());
      long current;
      try {
        current = entry == null ? 0 : Long.parseLong(new String(entry.value(), UTF_8));
      } catch (NumberFormatException e) {
        assertThrows(NotAnIntegerException.class, () -> store.incrementBy(op.key(), op.delta()));
        return;
      }
      assertEquals(current + op.delta(), store.incrementBy(op.key(), op.delta()), op::toString);
      byte[] value = Long.toString(current + op.delta()).getBytes(UTF_8);
      model.put(op.key(), new Entry(value, entry == null ? NEVER : entry.expiresAt()));
    }

    private long expiry(long ttlMillis) {
      return ttlMillis == 0 ? NEVER : clock.getAsLong() + Duration.ofMillis(ttlMillis).toNanos();
    }

    private void expireModel() {
      long now = clock.getAsLong();
      model.entrySet().removeIf(e -> {
        if (now - e.getValue().expiresAt() < 0) {
          return false;
        }
        expirations++;
        return true;
      });
    }

    void verify(Op after) {
      long now = clock.getAsLong();
      long live = 0;
      for (String key : KEYS) {
        Entry entry = model.get(key);
        assertArrayEquals(entry == null ? null : entry.value(), store.get(key), () -> key + " after " + after);
        Duration expected = entry == null ? null
            : entry.expiresAt() == NEVER ? BlinkStore.NO_EXPIRY : Duration.ofNanos(entry.expiresAt() - now);
        assertEquals(expected, store.ttl(key), () -> "ttl of " + key + " after " + after);
        live += entry == null ? 0 : utf8(key) + entry.value().length;
      }
      assertEquals(live, store.usage(), () -> "usage after " + after);
      assertEquals(model.size(), store.size(), () -> "size after " + after);
      assertEquals(expirations, store.stats().expirations(), () -> "expirations after " + after);
      long expiring = model.values().stream().filter(entry -> entry.expiresAt() != NEVER).count();
      assertEquals(expiring, store.stats().expiring(), () -> "entries with a time to live after " + after);
    }

    void verifyAfterEverythingExpired() {
      clock.advance(Duration.ofMillis(MAX_TTL_MILLIS).plusSeconds(2));
      expireModel();
      long live = model.entrySet().stream().mapToLong(e -> utf8(e.getKey()) + e.getValue().value().length).sum();
      assertEquals(live, store.usage());
      assertEquals(model.size(), store.size());
      assertEquals(expirations, store.stats().expirations());
      assertEquals(0, store.stats().evictions());
      assertEquals(0, store.stats().expiring());
    }
  }

  private static final long MAX_TTL_MILLIS = 5_000;

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<Long> ttls = Arbitraries.longs().between(1, MAX_TTL_MILLIS);
    Arbitrary<Long> noTtlOrTtl = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)), Tuple.of(2, ttls));
    Arbitrary<Op> sets = Combinators.combine(
        keys, Arbitraries.integers().between(1, MAX_VALUE_LENGTH), noTtlOrTtl).as(Set::new);
    Arbitrary<Op> increments = Combinators.combine(
        keys, Arbitraries.longs().between(-1000, 1000)).as(Increment::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, sets),
            Tuple.of(4, increments),
            Tuple.of(2, Combinators.combine(keys, ttls).as(Expire::new)),
            Tuple.of(2, keys.<Op>map(Persist::new)),
            Tuple.of(2, keys.<Op>map(Delete::new)),
            Tuple.of(1, Arbitraries.<Op>just(new Clear())),
            Tuple.of(5, Arbitraries.longs().between(0, 3_000).<Op>map(Advance::new)))
        .list()
        .ofMaxSize(60)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  /** A value naming its key and its place in the run; some are numbers, so counters meet both kinds. */
  private static byte[] value(String key, int length, int sequence) {
    if (length % 3 == 0) {
      return Integer.toString(sequence * 7 - length).getBytes(UTF_8);
    }
    byte[] label = (key + "#" + sequence + "|").getBytes(UTF_8);
    byte[] value = Arrays.copyOf(label, Math.max(label.length, length));
    Arrays.fill(value, label.length, value.length, (byte) '.');
    return value;
  }

  private static int utf8(String s) {
    return s.getBytes(UTF_8).length;
  }
}
