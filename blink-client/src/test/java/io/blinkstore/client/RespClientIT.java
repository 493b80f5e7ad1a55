package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.BlinkServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RESP transport against our server and a real redis-server: pipelining (with {@link ClientIT}'s distinct
 * values per thread), binary values, one store seen through both protocols.
 */
@Timeout(60)
class RespClientIT {
  private static final int THREADS = 8;

  @TempDir Path dir;

  /** A RESP server for one test: ours, or redis-server (skipped where it is not installed). */
  interface RespServer extends AutoCloseable {
    URI uri();
  }

  static Stream<Named<Function<Path, RespServer>>> servers() {
    return Stream.of(
        Named.of("our server", dir -> {
          BlinkServer server = Servers.start(dir, 64L << 20);
          return new RespServer() {
            @Override
            public URI uri() {
              return URI.create("redis://127.0.0.1:" + server.tcpAddress().getPort());
            }

            @Override
            public void close() {
              server.close();
            }
          };
        }),
        Named.of("redis-server", dir -> {
          try {
            RedisServer redis = RedisServer.start(dir);
            return new RespServer() {
              @Override
              public URI uri() {
                return redis.uri();
              }

              @Override
              public void close() throws InterruptedException {
                redis.close();
              }
            };
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }));
  }

  @ParameterizedTest
  @MethodSource("servers")
  void eightThreadsPipeliningOnOneConnectionEachGetTheirOwnReplies(Function<Path, RespServer> start)
      throws Exception {
    BlinkClientOptions options =
        Servers.testOptions().queueCapacity(THREADS * ClientIT.OPS_PER_THREAD * 2).build();
    try (RespServer server = start.apply(dir);
        BlinkClient client = BlinkClient.connect(server.uri(), options)) {
      client.clear();
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> checked = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          checked.add(threads.submit(() -> ClientIT.pipelineAndCheck(client, thread)));
        }
        for (Future<?> result : checked) {
          result.get();
        }
      } finally {
        threads.shutdownNow();
      }
      assertEquals(THREADS * ClientIT.OPS_PER_THREAD, client.size());
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void everyByteValueRoundTrips(Function<Path, RespServer> start) throws Exception {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    try (RespServer server = start.apply(dir);
        BlinkClient client = BlinkClient.connect(server.uri(), Servers.testOptions().build())) {
      client.set("all", all);
      assertArrayEquals(all, client.get("all"));
      client.set("lines", "a\nb\r\n  c  ".getBytes(UTF_8));
      assertArrayEquals("a\nb\r\n  c  ".getBytes(UTF_8), client.get("lines"));
      client.set("empty", new byte[0]);
      assertArrayEquals(new byte[0], client.get("empty"));
    }
  }

  @Test
  void aKeySetOverRespIsReadOverTheTextProtocolAndViceVersa() {
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient resp = BlinkClient.connect(
            URI.create("redis://127.0.0.1:" + server.tcpAddress().getPort()), Servers.testOptions().build());
        BlinkClient text = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build())) {
      resp.set("from-resp", new byte[] {0, '\r', '\n'});
      assertArrayEquals(new byte[] {0, '\r', '\n'}, text.get("from-resp"));
      text.set("from-text", "hello");
      assertEquals("hello", resp.getString("from-text"));
      assertEquals(text.usage(), resp.usage());
      assertEquals(text.memoryLimit(), resp.memoryLimit());
      assertTrue(resp.delete("from-text"));
      assertEquals(1, text.size());
    }
  }
}
