package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.NotAnIntegerException;
import io.blinkstore.server.BlinkServer;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random sequences of operations give the same results through the client, on a real server, over the text
 * protocol and over RESP, as on a plain map of values and their time-to-live flags (the store's limit is far above what a sequence can write, so nothing
 * is evicted; every time to live is an hour, so nothing expires).
 */
class ClientModelProperties {
  private static final String[] KEYS = {"a", "b", "ключ", "🔑", "k:1"};

  private static Path dir;
  private static BlinkServer server;
  private static BlinkClient client;
  private static BlinkClient respClient;

  /** One operation and its effect on the model. */
  sealed interface Op {}

  record Set(String key, byte[] value) implements Op {
    @Override
    public String toString() {
      return "set(" + key + ", " + value.length + " bytes)";
    }
  }

  record Get(String key) implements Op {}

  record Delete(String key) implements Op {}

  record Usage() implements Op {}

  record SetWithTtl(String key, byte[] value) implements Op {
    @Override
    public String toString() {
      return "setWithTtl(" + key + ", " + value.length + " bytes)";
    }
  }

  record SetNumber(String key, long value) implements Op {}

  record IncrementBy(String key, long delta) implements Op {}

  record Expire(String key) implements Op {}

  record Persist(String key) implements Op {}

  record Ttl(String key) implements Op {}

  /** A value of the model, and whether it has a time to live. */
  record Entry(byte[] value, boolean expires) {}

  private static final Duration HOUR = Duration.ofHours(1);

  @BeforeContainer
  static void startServer() throws IOException {
    dir = Files.createTempDirectory("blink-client-properties");
    server = Servers.start(dir, 64L << 20);
    client = BlinkClient.connect(UnixDomainSocketAddress.of(server.unixPath()), Servers.testOptions().build());
    respClient = BlinkClient.connect(
        URI.create("redis-socket://" + server.unixPath().toAbsolutePath()), Servers.testOptions().build());
  }

  @AfterContainer
  static void stopServer() throws IOException {
    client.close();
    respClient.close();
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @BeforeTry
  void emptyTheStore() {
    client.clear();
  }

  @Property(tries = 200)
  void theClientBehavesLikeAMap(@ForAll("operations") List<Op> operations) {
    check(client, operations);
  }

  @Property(tries = 200)
  void theClientOverRespBehavesLikeAMap(@ForAll("operations") List<Op> operations) {
    check(respClient, operations);
  }

  private static void check(BlinkClient client, List<Op> operations) {
    Map<String, Entry> model = new HashMap<>();
    for (Op op : operations) {
      if (op instanceof Set set) {
        client.set(set.key(), set.value());
        model.put(set.key(), new Entry(set.value(), false));
      } else if (op instanceof SetWithTtl set) {
        client.set(set.key(), set.value(), HOUR);
        model.put(set.key(), new Entry(set.value(), true));
      } else if (op instanceof SetNumber set) {
        client.set(set.key(), Long.toString(set.value()));
        model.put(set.key(), new Entry(Long.toString(set.value()).getBytes(UTF_8), false));
      } else if (op instanceof Get get) {
        Entry entry = model.get(get.key());
        assertArrayEquals(entry == null ? null : entry.value(), client.get(get.key()), op::toString);
      } else if (op instanceof Delete delete) {
        assertEquals(model.remove(delete.key()) != null, client.delete(delete.key()), op::toString);
      } else if (op instanceof IncrementBy increment) {
        checkIncrement(client, model, increment);
      } else if (op instanceof Expire expire) {
        Entry entry = model.get(expire.key());
        assertEquals(entry != null, client.expire(expire.key(), HOUR), op::toString);
        if (entry != null) {
          model.put(expire.key(), new Entry(entry.value(), true));
        }
      } else if (op instanceof Persist persist) {
        Entry entry = model.get(persist.key());
        assertEquals(entry != null && entry.expires(), client.persist(persist.key()), op::toString);
        if (entry != null) {
          model.put(persist.key(), new Entry(entry.value(), false));
        }
      } else if (op instanceof Ttl ttl) {
        checkTtl(model.get(ttl.key()), client.ttl(ttl.key()), op);
      } else {
        long usage = model.entrySet().stream()
            .mapToLong(e -> e.getKey().getBytes(UTF_8).length + e.getValue().value().length)
            .sum();
        assertEquals(usage, client.usage());
        assertEquals(model.size(), client.size());
      }
    }
  }

  /** The counter's rules, as Redis's: canonical decimal text only, no overflow, and the time to live kept. */
  private static void checkIncrement(BlinkClient client, Map<String, Entry> model, IncrementBy op) {
    Entry entry = model.get(op.key());
    Long current = entry == null ? Long.valueOf(0) : canonicalInteger(entry.value());
    if (current == null) {
      assertThrows(NotAnIntegerException.class, () -> client.incrementBy(op.key(), op.delta()), op::toString);
      return;
    }
    long expected;
    try {
      expected = Math.addExact(current, op.delta());
    } catch (ArithmeticException e) {
      assertThrows(ArithmeticException.class, () -> client.incrementBy(op.key(), op.delta()), op::toString);
      return;
    }
    assertEquals(expected, client.incrementBy(op.key(), op.delta()), op::toString);
    model.put(op.key(), new Entry(Long.toString(expected).getBytes(UTF_8), entry != null && entry.expires()));
  }

  /** The integer {@code value} spells as canonical decimal ASCII (no sign on 0, no leading zeros), or null. */
  private static Long canonicalInteger(byte[] value) {
    String text = new String(value, UTF_8);
    if (!Arrays.equals(text.getBytes(UTF_8), value) || !text.matches("0|-?[1-9][0-9]{0,18}")) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null; // 19 digits past the range
    }
  }

  private static void checkTtl(Entry entry, Duration ttl, Op op) {
    if (entry == null) {
      assertNull(ttl, op::toString);
    } else if (!entry.expires()) {
      assertEquals(BlinkStore.NO_EXPIRY, ttl, op::toString);
    } else {
      assertTrue(ttl.compareTo(Duration.ZERO) > 0 && ttl.compareTo(HOUR) <= 0, op + ": " + ttl);
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Long> numbers = Arbitraries.oneOf(Arbitraries.longs().between(-3, 3),
        Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1));
    Arbitrary<Op> op = Arbitraries.oneOf(
        Combinators.combine(keys, values).as(Set::new),
        Combinators.combine(keys, values).as(SetWithTtl::new),
        Combinators.combine(keys, numbers).as(SetNumber::new),
        Combinators.combine(keys, numbers).as(IncrementBy::new),
        keys.map(Get::new),
        keys.map(Delete::new),
        keys.map(Expire::new),
        keys.map(Persist::new),
        keys.map(Ttl::new),
        Arbitraries.just(new Usage()));
    return op.list().ofMaxSize(40);
  }
}
