package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code shown in the README's "Java client" section and in this package's javadoc, verbatim but for the
 * server's address (a test cannot count on port 8765 or /tmp/blink.sock), the command timeout and the assertions.
 * The snippets' timeout is 500 ms, and it bounds every command they send, each of which must succeed here: a
 * loaded test machine can overrun half a second, so the test sets {@link #COMMAND_TIMEOUT} where they set it.
 */
@Timeout(30)
class DocumentationExamplesIT {
  /** Stands for the snippets' {@code Duration.ofMillis(500)}. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void readmeSnippetsRun() throws Exception {
    try (BlinkServer server = Servers.start(dir, 1 << 20)) {
      int port = server.tcpAddress().getPort();
      String socketPath = server.unixPath().toString();

      // README, "The Java client", first snippet:
      try (BlinkStore store = BlinkClient.connect("127.0.0.1", port)) { // in-process: BlinkStore.builder().build()
        store.set("greeting", "hello");
        String value = store.getString("greeting");                      // "hello"
        store.set("blob", new byte[] {0, '\n', (byte) 0xFF});              // any bytes round-trip
        assertEquals("hello", value);
        assertArrayEquals(new byte[] {0, '\n', (byte) 0xFF}, store.get("blob"));
      }

      // README, second snippet:
      Map<String, byte[]> database = Map.of("user:7", "{\"name\":\"alice\"}".getBytes(UTF_8));
      BlinkClientOptions options = BlinkClientOptions.builder()
          .commandTimeout(COMMAND_TIMEOUT)                                // default 2 s
          .poolSize(2)                                                    // default 1 connection
          .build();
      try (BlinkClient client = BlinkClient.connect(UnixDomainSocketAddress.of(socketPath), options)) {
        CompletableFuture<String> read = client.async().set("user:42", "Ada")
            .thenCompose(done -> client.async().getString("user:42"));
        client.set("session:42", "alice", Duration.ofMinutes(30));     // time to live, to the millisecond
        long hits = client.increment("hits:client7");                  // one counter for every worker of the host
        byte[] user = client.getOrLoad("user:7", Duration.ofMinutes(5), key -> database.get(key));
        assertEquals("Ada", read.get());
        assertTrue(client.ttl("session:42").compareTo(Duration.ofMinutes(30)) <= 0);
        assertEquals(1, hits);
        assertEquals("{\"name\":\"alice\"}", new String(user, UTF_8));
        assertEquals("{\"name\":\"alice\"}", client.getString("user:7"));
      }
    }
  }

  @Test
  void javadocSnippetsRun() throws Exception {
    try (BlinkServer server = Servers.start(dir, 1 << 20)) {
      int port = server.tcpAddress().getPort();
      // BlinkClient:
      try (BlinkStore store = BlinkClient.connect("127.0.0.1", port)) {   // or BlinkStore.builder().build()
        store.set("greeting", "hello");
        String value = store.getString("greeting");                       // "hello"
        assertEquals("hello", value);
      }
      // BlinkClientOptions:
      BlinkClientOptions options = BlinkClientOptions.builder()
          .commandTimeout(COMMAND_TIMEOUT)
          .poolSize(2)
          .build();
      // BlinkAsyncCommands:
      try (BlinkClient client = BlinkClient.connect(server.tcpAddress(), options)) {
        CompletableFuture<Void> written = client.async().set("user:42", "Ada");
        CompletableFuture<String> read = written.thenCompose(done -> client.async().getString("user:42"));
        assertEquals("Ada", read.get());
      }
    }
  }
}
