package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking pops over real sockets: many clients blocked on one key are served in the order they blocked, a push of
 * several elements serving several of them; a timeout answers a null array and lets the requests pipelined behind
 * it run; {@code CLIENT KILL} and {@code CLIENT UNBLOCK} end a wait mid-way (a killed client takes no element
 * afterwards); a push by an in-process caller of the store wakes a RESP client; a server's shutdown closes a
 * blocked connection. {@code INFO}'s {@code blocked_clients} counts the clients blocked, and is how each test
 * knows a client has blocked (as Redis's own suite does). The sorted sets' blocking pops ({@code BZPOPMIN},
 * {@code BZPOPMAX}, {@code BZMPOP}) ride the same machinery: served in order by a {@code ZADD} of several members
 * (lowest first), by a {@code ZUNIONSTORE} or an {@code EXEC} that writes the key, ended by a timeout or
 * {@code CLIENT UNBLOCK}; a key that holds another type when its turn comes serves nobody.
 */
@Timeout(60)
class BlockingPopIT {
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

  /** Sends {@code args} on {@code client}, which blocks, and waits until the server counts it blocked. */
  private void block(LineClient client, LineClient observer, int blockedAfter, String... args) throws Exception {
    client.send(RespIT.resp(args));
    awaitBlocked(observer, blockedAfter);
  }

  static void awaitBlocked(LineClient observer, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (blockedClients(observer) != count) {
      assertTrue(System.nanoTime() < deadline, "blocked_clients never reached " + count);
      Thread.sleep(5);
    }
  }

  static int blockedClients(LineClient observer) throws Exception {
    observer.send(RespIT.resp("INFO", "clients"));
    String header = observer.readLine();
    int length = Integer.parseInt(header.substring(1).trim());
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(observer.readLine()).append('\n');
    }
    observer.readLine(); // the bulk string's own CRLF
    String info = text.toString();
    int at = info.indexOf("blocked_clients:");
    return Integer.parseInt(info.substring(at + 16, info.indexOf('\r', at)));
  }

  private static String pair(String key, String element) {
    return "*2\r\n$" + key.length() + "\r\n" + key + "\r\n$" + element.length() + "\r\n" + element + "\r\n";
  }

  @Test
  void manyWaitersOnOneKeyAreServedInTheOrderTheyBlocked() throws Exception {
    LineClient writer = client();
    List<LineClient> waiters = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      LineClient waiter = client();
      waiters.add(waiter);
      block(waiter, writer, i + 1, "BLPOP", "queue", "0");
    }
    List<String> push = new ArrayList<>(List.of("RPUSH", "queue"));
    for (int i = 0; i < 15; i++) {
      push.add("e" + i);
    }
    assertEquals(":15\r\n", call(writer, push.toArray(String[]::new)));
    for (int i = 0; i < 15; i++) {
      assertEquals(pair("queue", "e" + i), RespIT.readReply(waiters.get(i)), "waiter " + i);
    }
    assertEquals(5, blockedClients(writer));
    assertEquals(":0\r\n", call(writer, "EXISTS", "queue"));
    assertEquals(":1\r\n", call(writer, "LPUSH", "queue", "last"));
    assertEquals(pair("queue", "last"), RespIT.readReply(waiters.get(15)));
    assertEquals(4, blockedClients(writer));
  }

  @Test
  void aTimeoutAnswersANullArrayAndTheRequestsBehindItRunAfter() throws Exception {
    LineClient waiter = client();
    byte[] both = (new String(RespIT.resp("BRPOP", "none", "0.05"), UTF_8)
        + new String(RespIT.resp("PING"), UTF_8)).getBytes(UTF_8);
    waiter.send(both);
    assertEquals("*-1\r\n", RespIT.readReply(waiter));
    assertEquals("+PONG\r\n", RespIT.readReply(waiter));
    assertEquals("*-1\r\n", call(waiter, "BLMOVE", "none", "dst", "LEFT", "RIGHT", "0.01"));
    assertEquals(0, blockedClients(waiter));
  }

  @Test
  void aClientKilledMidWaitTakesNoElement() throws Exception {
    LineClient writer = client();
    LineClient victim = client();
    String id = call(victim, "CLIENT", "ID").substring(1).trim();
    block(victim, writer, 1, "BLPOP", "queue", "0");
    assertEquals(":1\r\n", call(writer, "CLIENT", "KILL", "ID", id));
    assertTrue(victim.closedByServer(Duration.ofSeconds(5)));
    awaitBlocked(writer, 0);
    assertEquals(":1\r\n", call(writer, "RPUSH", "queue", "x"));
    assertEquals(":1\r\n", call(writer, "LLEN", "queue"));
  }

  @Test
  void clientUnblockEndsAWaitAsATimeoutOrAnError() throws Exception {
    LineClient writer = client();
    LineClient waiter = client();
    String id = call(waiter, "CLIENT", "ID").substring(1).trim();
    block(waiter, writer, 1, "BLPOP", "queue", "0");
    assertEquals(":1\r\n", call(writer, "CLIENT", "UNBLOCK", id));
    assertEquals("*-1\r\n", RespIT.readReply(waiter));
    block(waiter, writer, 1, "BLMPOP", "0", "1", "queue", "LEFT");
    assertEquals(":1\r\n", call(writer, "CLIENT", "UNBLOCK", id, "ERROR"));
    assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", RespIT.readReply(waiter));
    assertEquals(":0\r\n", call(writer, "CLIENT", "UNBLOCK", id));
  }

  @Test
  void aPushFromAnInProcessCallerWakesARespClient() throws Exception {
    LineClient observer = client();
    LineClient waiter = client();
    block(waiter, observer, 1, "BRPOP", "jobs", "0");
    assertEquals(1, store.list("jobs").push(BlinkList.End.LEFT, "job-1".getBytes(UTF_8)));
    assertEquals(pair("jobs", "job-1"), RespIT.readReply(waiter));
    assertEquals(0, store.list("jobs").size());
  }

  @Test
  void aBlmoveServedByAPushMovesTheElementAndServesTheDestinationsWaiter() throws Exception {
    LineClient writer = client();
    LineClient mover = client();
    LineClient popper = client();
    block(popper, writer, 1, "BLPOP", "dst", "0");
    block(mover, writer, 2, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
    assertEquals(":1\r\n", call(writer, "RPUSH", "src", "x"));
    assertEquals("$1\r\nx\r\n", RespIT.readReply(mover));
    assertEquals(pair("dst", "x"), RespIT.readReply(popper));
    assertEquals(":0\r\n", call(writer, "EXISTS", "src", "dst"));
  }

  @Test
  void aShutdownClosesABlockedConnection() throws Exception {
    LineClient observer = client();
    LineClient waiter = client();
    block(waiter, observer, 1, "BLPOP", "queue", "0");
    server.close();
    assertTrue(waiter.closedByServer(Duration.ofSeconds(10)));
  }

  private static String popped(String key, String member, String score) {
    return "*3\r\n$" + key.length() + "\r\n" + key + "\r\n$" + member.length() + "\r\n" + member + "\r\n$"
        + score.length() + "\r\n" + score + "\r\n";
  }

  @Test
  void sortedSetWaitersAreServedInOrderLowestScoreFirstByOneZadd() throws Exception {
    LineClient writer = client();
    List<LineClient> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      LineClient waiter = client();
      waiters.add(waiter);
      block(waiter, writer, i + 1, i < 3 ? "BZPOPMIN" : "BZPOPMAX", "none", "board", "0");
    }
    assertEquals(":3\r\n", call(writer, "ZADD", "board", "3", "c", "1", "a", "2.5", "b"));
    assertEquals(popped("board", "a", "1"), RespIT.readReply(waiters.get(0)));
    assertEquals(popped("board", "b", "2.5"), RespIT.readReply(waiters.get(1)));
    assertEquals(popped("board", "c", "3"), RespIT.readReply(waiters.get(2)));
    assertEquals(1, blockedClients(writer));
    assertEquals(":0\r\n", call(writer, "EXISTS", "board"));
    assertEquals(":2\r\n", call(writer, "ZADD", "board", "5", "x", "9", "y"));
    assertEquals(popped("board", "y", "9"), RespIT.readReply(waiters.get(3)));
    assertEquals("*2\r\n$1\r\nx\r\n$1\r\n5\r\n", call(writer, "ZRANGE", "board", "0", "-1", "WITHSCORES"));
  }

  @Test
  void aSortedSetWaiterIsWokenByAStoreAndByAnExecAndNotByAnotherType() throws Exception {
    LineClient writer = client();
    LineClient waiter = client();
    assertEquals(":2\r\n", call(writer, "ZADD", "src", "1", "a", "2", "b"));
    block(waiter, writer, 1, "BZMPOP", "0", "1", "dst", "MAX", "COUNT", "5");
    assertEquals(":2\r\n", call(writer, "ZUNIONSTORE", "dst", "1", "src", "WEIGHTS", "10"));
    assertEquals("*2\r\n$3\r\ndst\r\n*2\r\n*2\r\n$1\r\nb\r\n$2\r\n20\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n",
        RespIT.readReply(waiter));
    block(waiter, writer, 1, "BZPOPMIN", "dst", "0");
    assertEquals("+OK\r\n", call(writer, "SET", "dst", "string"));
    assertEquals(1, blockedClients(writer), "a string serves nobody");
    assertEquals("+OK\r\n", call(writer, "MULTI"));
    assertEquals("+QUEUED\r\n", call(writer, "DEL", "dst"));
    assertEquals("+QUEUED\r\n", call(writer, "ZADD", "dst", "7", "m"));
    assertEquals("*2\r\n:1\r\n:1\r\n", call(writer, "EXEC"));
    assertEquals(popped("dst", "m", "7"), RespIT.readReply(waiter));
  }

  @Test
  void aSortedSetWaitEndsAtItsTimeoutOrByClientUnblock() throws Exception {
    LineClient writer = client();
    LineClient waiter = client();
    assertEquals("*-1\r\n", call(waiter, "BZPOPMIN", "none", "0.05"));
    assertEquals("*-1\r\n", call(waiter, "BZMPOP", "0.05", "1", "none", "MIN"));
    String id = call(waiter, "CLIENT", "ID").substring(1).trim();
    block(waiter, writer, 1, "BZPOPMAX", "none", "0");
    assertEquals(":1\r\n", call(writer, "CLIENT", "UNBLOCK", id));
    assertEquals("*-1\r\n", RespIT.readReply(waiter));
    assertEquals(0, blockedClients(writer));
  }
}
