package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.BlinkServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random sequences of operations give the same results through the client, on a real server, as on a plain map
 * (the store's limit is far above what a sequence can write, so nothing is evicted).
 */
class ClientModelProperties {
  private static final String[] KEYS = {"a", "b", "ключ", "🔑", "k:1"};

  private static Path dir;
  private static BlinkServer server;
  private static BlinkClient client;

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

  @BeforeContainer
  static void startServer() throws IOException {
    dir = Files.createTempDirectory("blink-client-properties");
    server = Servers.start(dir, 64L << 20);
    client = BlinkClient.connect(server.unixPath());
  }

  @AfterContainer
  static void stopServer() throws IOException {
    client.close();
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
    Map<String, byte[]> model = new HashMap<>();
    for (Op op : operations) {
      if (op instanceof Set set) {
        client.set(set.key(), set.value());
        model.put(set.key(), set.value());
      } else if (op instanceof Get get) {
        assertArrayEquals(model.get(get.key()), client.get(get.key()), op::toString);
      } else if (op instanceof Delete delete) {
        assertEquals(model.remove(delete.key()) != null, client.delete(delete.key()), op::toString);
      } else {
        long usage = model.entrySet().stream()
            .mapToLong(e -> e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + e.getValue().length)
            .sum();
        assertEquals(usage, client.usage());
        assertEquals(model.size(), client.size());
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Op> op = Arbitraries.oneOf(
        net.jqwik.api.Combinators.combine(keys, values).as(Set::new),
        keys.map(Get::new),
        keys.map(Delete::new),
        Arbitraries.just(new Usage()));
    return op.list().ofMaxSize(40);
  }
}
