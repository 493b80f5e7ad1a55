package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.client.BlinkClientOptions;
import io.blinkstore.client.BlinkConnectionException;
import io.blinkstore.server.BlinkServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Java client SDK: the same {@link BlinkStore} code in-process and against a server, the synchronous,
 * asynchronous and pipelined styles, and the errors a caller handles. Starts its own server on a free port.
 *
 * <pre>{@code bin/blink-example client}</pre>
 */
public final class ClientExample {
  private static final int PIPELINED = 2_000;
  /** Small enough that an entry over it still fits in one request line (1 MiB, base64 included). */
  private static final long SERVER_MEMORY_LIMIT = 512 * 1024;

  private ClientExample() {}

  /** Application code: written against the {@link BlinkStore} interface, unaware of where the data lives. */
  static String greet(BlinkStore store, String user) {
    String key = "greeting:" + user;
    String greeting = store.getString(key);
    if (greeting == null) {
      greeting = "hello, " + user;
      store.set(key, greeting);
    }
    return greeting;
  }

  public static void main(String[] args) throws Exception {
    try (BlinkServer server = BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(SERVER_MEMORY_LIMIT).build())
        .tcp(new InetSocketAddress("127.0.0.1", 0))
        .build()
        .start()) {
      int port = Objects.requireNonNull(server.tcpAddress(), "served over TCP").getPort();

      // 1. Switching between in-process and remote is the one line that makes the store. Over RESP (redis://)
      //    the same code also runs against Redis or Valkey: docs/scale-out.md.
      try (BlinkStore local = BlinkStore.builder().memoryLimit(16L << 20).build();
          BlinkStore remote = BlinkClient.connect("127.0.0.1", port);
          BlinkStore overResp = BlinkClient.connect("redis://127.0.0.1:" + port)) {
        System.out.println("in-process: " + greet(local, "ada") + ", usage " + local.usage());
        System.out.println("remote:     " + greet(remote, "ada") + ", usage " + remote.usage());
        System.out.println("over RESP:  " + greet(overResp, "ada") + ", usage " + overResp.usage());
      }

      try (BlinkClient client = BlinkClient.connect(new InetSocketAddress("127.0.0.1", port),
          BlinkClientOptions.builder().queueCapacity(PIPELINED).connectTimeout(Duration.ofSeconds(10)).build())) {
        // 2. Synchronous: each call waits for its reply. Any bytes round-trip.
        client.set("bytes", new byte[] {0, 10, 13, 32, (byte) 0xFF});
        byte[] back = client.get("bytes"); // null once absent: never set, deleted, expired or evicted
        System.out.println("sync: " + (back == null ? "no" : back.length) + " bytes back, size " + client.size());
        client.set("session:7", "token", Duration.ofMinutes(30));
        long views = client.increment("views:home");
        Duration ttl = client.ttl("session:7"); // null if absent, NO_EXPIRY if it never expires
        System.out.println("ttl: session:7 has " + (ttl == null ? "no" : ttl.toMinutes()) + " minutes left;"
            + " views:home = " + views);

        // 3. Asynchronous: calls return at once; futures complete when the replies arrive.
        CompletableFuture<String> chained = client.async().set("user:42", "Grace")
            .thenCompose(done -> client.async().getString("user:42"));
        System.out.println("async: user:42 = " + chained.get());

        // 4. Pipelined: many commands in flight on one connection, written in batches, replies matched in order.
        long start = System.nanoTime();
        List<CompletableFuture<Void>> writes = new ArrayList<>(PIPELINED);
        for (int i = 0; i < PIPELINED; i++) {
          writes.add(client.async().set("item:" + i, "value " + i));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("pipelined: " + PIPELINED + " SETs in " + millis + " ms; item:" + (PIPELINED - 1) + " = "
            + client.getString("item:" + (PIPELINED - 1)));

        // 5. Errors a caller handles: bad keys and values are refused before sending; the server's refusals and
        //    connection problems arrive as typed exceptions naming the command.
        try {
          client.set("has space", "v");
        } catch (IllegalArgumentException e) {
          System.out.println("refused before sending: " + e.getMessage());
        }
        try {
          client.set("big", new byte[(int) client.memoryLimit() + 1]);
        } catch (EntryTooLargeException e) {
          System.out.println("the server refused: " + e.getMessage());
        }
        server.close();
        try {
          client.get("user:42");
        } catch (BlinkConnectionException e) {
          System.out.println("server gone: " + e.getClass().getSimpleName() + " for " + e.command());
        }
      }
    }
  }
}
