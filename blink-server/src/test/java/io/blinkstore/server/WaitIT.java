package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WAIT} over real sockets on a server with no replicas, as Redis answers it: asking for a replica blocks
 * the client ({@code blocked_clients} counts it) and holds the requests pipelined behind it; {@code CLIENT UNBLOCK}
 * ends the wait with {@code :0} ({@code TIMEOUT}, the default) or Redis's {@code -UNBLOCKED} error
 * ({@code ERROR}); a timeout answers {@code :0}; a reset connection stops waiting (a half-closed one waits on, to
 * be answered, as a blocking pop does). Replies checked against what redis-server 7.0.15 sends for the same (by
 * hand: {@code WAIT 1 0}, {@code PING}, then {@code CLIENT UNBLOCK}).
 */
@Timeout(60)
class WaitIT {
  private BlinkStore store;
  private BlinkServer server;
  private final List<LineClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    store = BlinkStore.builder().build();
    server = TestServers.onLoopback(store);
  }

  @AfterEach
  void stop() throws Exception {
    for (LineClient client : clients) {
      client.close();
    }
    server.close();
    store.close();
  }

  private LineClient client() throws Exception {
    LineClient client = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()));
    clients.add(client);
    return client;
  }

  private static String call(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return RespIT.readReply(client);
  }

  /** Sends {@code WAIT 1 timeout} (then {@code PING}) on a new client, and waits until it is blocked. */
  private record Waiter(LineClient client, String id) {}

  private Waiter waiting(LineClient observer, String timeout, boolean ping) throws Exception {
    LineClient waiter = client();
    String id = call(waiter, "CLIENT", "ID").substring(1).trim();
    waiter.send(RespIT.resp("WAIT", "1", timeout));
    if (ping) {
      waiter.send(RespIT.resp("PING"));
    }
    BlockingPopIT.awaitBlocked(observer, 1);
    return new Waiter(waiter, id);
  }

  @Test
  void clientUnblockEndsAWaitWithZeroReplicasAndThePipelinedPingFollows() throws Exception {
    LineClient observer = client();
    Waiter waiter = waiting(observer, "0", true);
    assertEquals(":1\r\n", call(observer, "CLIENT", "UNBLOCK", waiter.id()));
    assertEquals(":0\r\n", RespIT.readReply(waiter.client()));
    assertEquals("+PONG\r\n", RespIT.readReply(waiter.client()));
    assertEquals(0, BlockingPopIT.blockedClients(observer));
    assertEquals(":0\r\n", call(observer, "CLIENT", "UNBLOCK", waiter.id()));
  }

  @Test
  void clientUnblockErrorEndsAWaitWithRedissError() throws Exception {
    LineClient observer = client();
    Waiter waiter = waiting(observer, "0", true);
    assertEquals(":1\r\n", call(observer, "CLIENT", "UNBLOCK", waiter.id(), "ERROR"));
    assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", RespIT.readReply(waiter.client()));
    assertEquals("+PONG\r\n", RespIT.readReply(waiter.client()));
  }

  @Test
  void aTimeoutAnswersZeroReplicas() throws Exception {
    LineClient observer = client();
    Waiter waiter = waiting(observer, "200", true);
    assertEquals(":0\r\n", RespIT.readReply(waiter.client()));
    assertEquals("+PONG\r\n", RespIT.readReply(waiter.client()));
    assertEquals(0, BlockingPopIT.blockedClients(observer));
  }

  @Test
  void aResetConnectionStopsWaiting() throws Exception {
    LineClient observer = client();
    Waiter waiter = waiting(observer, "0", false);
    waiter.client().abort();
    BlockingPopIT.awaitBlocked(observer, 0);
    assertEquals("+PONG\r\n", call(observer, "PING"));
  }
}
