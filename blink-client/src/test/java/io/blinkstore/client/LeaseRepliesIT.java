package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.EntryTooLargeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lease replies a real server gives only under conditions hard to make on cue (a full lease table, a lease
 * that ran out during the load, a value too large to fill), scripted with a {@link FakeServer}: the requests the
 * client sends in answer, in order.
 */
@Timeout(30)
class LeaseRepliesIT {
  private static final Duration PATIENT = Duration.ofSeconds(10);

  private static BlinkClient connect(FakeServer server) {
    return BlinkClient.connect(server.address(),
        BlinkClientOptions.builder().connectTimeout(PATIENT).commandTimeout(PATIENT).leaseTime(PATIENT).build());
  }

  /** The requests received after the handshake ({@code PING}, {@code STATS}), as many as {@code count}. */
  private static List<String> requestsAfterHandshake(FakeServer server, int count) throws InterruptedException {
    assertEquals("PING", server.nextRequest());
    assertEquals("STATS", server.nextRequest());
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      requests.add(server.nextRequest());
    }
    return requests;
  }

  @Test
  void aFullLeaseTableLoadsWithoutALeaseAndStoresWithAPlainSet() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GETL") ? "ERROR lease table full"
            : line.startsWith("PSETEX64") ? "OK" : null);
        BlinkClient client = connect(server)) {
      byte[] value = client.getOrLoad("k", Duration.ofSeconds(5), key -> "hi".getBytes(UTF_8));
      assertArrayEquals("hi".getBytes(UTF_8), value);
      assertEquals(List.of("GETL k 10000", "PSETEX64 k 5000 aGk="), requestsAfterHandshake(server, 2));
    }
  }

  @Test
  void aLeaseThatRanOutDuringTheLoadStillReturnsTheLoadedValue() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GETL") ? "LEASE 5"
            : line.startsWith("FILL") ? "ERROR lease expired" : null);
        BlinkClient client = connect(server)) {
      assertArrayEquals("hi".getBytes(UTF_8), client.getOrLoad("k", key -> "hi".getBytes(UTF_8)));
      assertEquals(List.of("GETL k 10000", "FILL k 5 0 aGk="), requestsAfterHandshake(server, 2));
    }
  }

  @Test
  void aValueTooLargeToFillEndsTheLeaseOnTheServerAndFailsTheCall() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GETL") ? "LEASE 5"
            : line.startsWith("FILL") ? "ERROR storage is at capacity and eviction failed"
            : line.startsWith("RELEASE") ? "NOT_FOUND" : null);
        BlinkClient client = connect(server)) {
      EntryTooLargeException e = assertThrows(EntryTooLargeException.class,
          () -> client.getOrLoad("k", key -> new byte[2000]));
      assertEquals(2001, e.entryBytes());
      assertEquals(1000, e.memoryLimit());
      List<String> requests = requestsAfterHandshake(server, 3);
      assertEquals("GETL k 10000", requests.get(0));
      assertEquals("RELEASE k 5", requests.get(2));
    }
  }

  @Test
  void aLoaderFailureReleasesTheLeaseAndReachesTheCaller() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GETL") ? "LEASE 5"
            : line.startsWith("RELEASE") ? "OK" : null);
        BlinkClient client = connect(server)) {
      IllegalStateException failure = new IllegalStateException("database down");
      assertSame(failure, assertThrows(IllegalStateException.class, () -> client.getOrLoad("k", key -> {
        throw failure;
      })));
      assertEquals(List.of("GETL k 10000", "RELEASE k 5"), requestsAfterHandshake(server, 2));
    }
  }

  @Test
  void waitRepliesAreFollowedByAnotherGetl() throws Exception {
    int[] getls = {0};
    try (FakeServer server =
            new FakeServer(line -> line.startsWith("GETL") ? (++getls[0] < 3 ? "WAIT 1" : "VALUE aGk=") : null);
        BlinkClient client = connect(server)) {
      assertArrayEquals("hi".getBytes(UTF_8), client.getOrLoad("k", key -> {
        throw new AssertionError("loaded while another client was filling");
      }));
      assertEquals(List.of("GETL k 10000", "GETL k 10000", "GETL k 10000"), requestsAfterHandshake(server, 3));
    }
  }
}
