package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.TestServers.Endpoint;
import io.blinkstore.server.command.HeapGuard;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * While the heap guard reports the heap nearly full, writes are refused and everything else is served. The
 * guard is fed by hand (the seam the server's GC listener uses), not by exhausting the test JVM's heap.
 */
@Timeout(60)
class HeapGuardIT {
  @TempDir Path dir;
  private BlinkServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void writesAreRefusedWhileTheHeapIsNearlyFullAndReadsGoOn(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    HeapGuard guard = new HeapGuard(0.9);
    server = TestServers.start(transport, dir, 1 << 20, builder -> builder.heapGuard(guard));
    try (LineClient client = endpoint.connect(server)) {
      assertEquals("OK", client.request("SET kept 1"));
      guard.afterCollection(95, 100);
      client.send("SET new 2\nGET kept\nGET new\nUSAGE\nDELETE kept\n");
      assertEquals(List.of("ERROR out of memory", "VALUE MQ==", "NOT_FOUND", "USAGE 5", "OK"), client.readLines(5));
      guard.afterCollection(10, 100);
      assertEquals("OK", client.request("SET new 2"));
      assertEquals("VALUE Mg==", client.request("GET new"));
    }
  }
}
