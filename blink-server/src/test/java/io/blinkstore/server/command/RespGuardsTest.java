package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespEncoder;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RESP under the server's guards: the auth token, the heap guard, the output cap and the command counter. */
class RespGuardsTest {
  private final BlinkStore store = BlinkStore.builder().build();
  private final ServerCounters counters = new ServerCounters();
  private final HeapGuard heapGuard = new HeapGuard(0.5);
  private final Dispatcher commands =
      new Dispatcher(store, new Leases(), Clock.systemUTC(), counters, heapGuard, new Authenticator("s3cret"),
          BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  private final RespSession session = new RespSession(commands);

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(ISO_8859_1);
    }
    return RespTester.copied(session.execute(new RespRequest.Command(bytes)));
  }

  @Test
  void beforeAuthEveryCommandButAuthHelloAndQuitIsRefusedAndNotExecuted() {
    assertEquals(Dispatcher.NOAUTH, run("SET", "k", "v"));
    assertEquals(Dispatcher.NOAUTH, run("GET", "k"));
    assertEquals(Dispatcher.NOAUTH, run("PING"));
    assertNull(store.get("k"));
    assertEquals(Result.OK, run("QUIT"));
  }

  @Test
  void anUnknownCommandBeforeAuthGetsTheUnknownCommandErrorAsInRedis() {
    assertEquals(Result.error("unknown command 'nope', with args beginning with: "), run("nope"));
  }

  @Test
  void theRightTokenAuthenticatesWithOrWithoutTheDefaultUser() {
    assertEquals(Result.OK, run("AUTH", "s3cret"));
    assertEquals(Result.OK, run("SET", "k", "v"));
    RespSession other = new RespSession(commands);
    byte[][] auth = {"AUTH".getBytes(ISO_8859_1), "default".getBytes(ISO_8859_1), "s3cret".getBytes(ISO_8859_1)};
    assertEquals(Result.OK, other.execute(new RespRequest.Command(auth)));
  }

  /** As Redis 7.0 (and unlike this server before ACL users): a refused {@code AUTH} leaves the sign-in as it was. */
  @Test
  void aWrongTokenOrAnotherUserIsRefusedAndKeepsAnEarlierSignInAsRedis() {
    assertEquals(RespServerCommands.WRONGPASS, run("AUTH", "s3cre"));
    assertEquals(Dispatcher.NOAUTH, run("GET", "k"));
    assertEquals(Result.OK, run("AUTH", "s3cret"));
    assertEquals(RespServerCommands.WRONGPASS, run("AUTH", "s3cre"));
    assertEquals(Result.NULL, run("GET", "k"));
    assertEquals(RespServerCommands.WRONGPASS, run("AUTH", "admin", "s3cret"));
    assertEquals(Result.NULL, run("GET", "k"));
  }

  @Test
  void helloCanAuthenticate() {
    assertEquals(RespServerCommands.WRONGPASS, run("HELLO", "2", "AUTH", "default", "wrong"));
    run("HELLO", "2", "AUTH", "default", "s3cret");
    assertEquals(Result.OK, run("SET", "k", "v"));
  }

  /**
   * Issue 16: HELLO answered the server's details (and kept the name it set) to a connection that had not signed
   * in. Now, as Redis 7 does, it is refused unless it carries the right AUTH; a name is still checked first.
   */
  @Test
  void helloBeforeSigningInIsRefusedWithoutTheServersDetailsAndSetsNoName() {
    assertEquals(RespServerCommands.HELLO_NOAUTH, run("HELLO"));
    assertEquals(RespServerCommands.HELLO_NOAUTH, run("HELLO", "2", "SETNAME", "early"));
    assertEquals(RespServerCommands.INVALID_NAME, run("HELLO", "2", "SETNAME", "a b"));
    assertEquals(RespServerCommands.NAME_TOO_LONG, run("HELLO", "2", "SETNAME", "n".repeat(1025)));
    assertEquals(Result.OK, run("AUTH", "s3cret"));
    assertEquals(Result.NULL, run("CLIENT", "GETNAME"), "no name was set before signing in");
    Result.Map hello = (Result.Map) run("HELLO", "2", "SETNAME", "later");
    assertEquals(Result.bulk("server"), hello.keysAndValues().get(0));
    assertEquals(Result.bulk("later"), run("CLIENT", "GETNAME"));
  }

  @Test
  void helloWithTheRightAuthSignsInAndSetsTheName() {
    Result.Map hello = (Result.Map) run("HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "me");
    assertEquals(Result.bulk("redis"), hello.keysAndValues().get(1));
    assertEquals(Result.bulk("me"), run("CLIENT", "GETNAME"));
  }

  @Test
  void aNearlyFullHeapRefusesWritesButServesReadsAndDeletes() {
    run("AUTH", "s3cret");
    assertEquals(Result.OK, run("SET", "k", "v"));
    heapGuard.afterCollection(90, 100);
    assertEquals(Dispatcher.OOM, run("SET", "k2", "v"));
    assertEquals(Dispatcher.OOM, run("MSET", "k2", "v", "k3", "w"));
    assertEquals(Result.bulk("v"), run("GET", "k"));
    assertEquals(new Result.Int(1), run("DEL", "k"));
    heapGuard.afterCollection(10, 100);
    assertEquals(Result.OK, run("SET", "k2", "v"));
  }

  /**
   * Sign-in is checked before the heap guard, as in Redis's {@code processCommand}: a client that has not signed
   * in is told so, not that the heap is full, and learns nothing of the server's state.
   */
  @Test
  void beforeAuthANearlyFullHeapIsNotToldAWriteIsRefusedForIt() {
    heapGuard.afterCollection(90, 100);
    assertEquals(Dispatcher.NOAUTH, run("SET", "k", "v"));
    assertEquals(Dispatcher.NOAUTH, run("MSET", "k", "v", "k2", "w"));
  }

  /**
   * GETL only reads, or hands out a lease (the lease table has its own bound): like the text protocol's GETL it
   * goes on while the heap is nearly full; the FILL that would add the value is the write refused.
   */
  @Test
  void aNearlyFullHeapServesGetlAndRefusesFill() {
    run("AUTH", "s3cret");
    assertEquals(Result.OK, run("SET", "k", "v"));
    heapGuard.afterCollection(90, 100);
    assertEquals(new Result.Array(List.of(Result.bulk("VALUE"), Result.bulk("v"))), run("GETL", "k", "5000"));
    Result.Array grant = (Result.Array) run("GETL", "absent", "5000");
    assertEquals(Result.bulk("LEASE"), grant.elements().get(0));
    String token = Long.toString(((Result.Int) grant.elements().get(1)).value());
    assertEquals(Dispatcher.OOM, run("FILL", "absent", token, "0", "v"));
    assertNull(store.get("absent"));
  }

  /**
   * {@code MGET at at}: {@code *2\r\n} and twice {@code $23\r\n}, 23 bytes and {@code \r\n}, 64 bytes in all;
   * {@code MGET at past}, with a value one byte longer, 65.
   */
  @Test
  void anMgetReplyOfExactlyTheOutputCapIsServedAndOneBytePastIsRefusedStoringNothing() {
    try (RespTester capped = new RespTester(Leases.DEFAULT_TABLE_BYTES, 64)) {
      capped.run("SET", "at", "a".repeat(23));
      capped.run("SET", "past", "p".repeat(24));
      Result atTheCap = capped.run("MGET", "at", "at");
      assertEquals(new Result.Array(List.of(Result.bulk("a".repeat(23)), Result.bulk("a".repeat(23)))),
          atTheCap);
      assertEquals(64, RespEncoder.encodedLength(atTheCap));
      assertEquals(Result.error("reply of 65 bytes exceeds the output limit of 64 bytes"),
          capped.run("MGET", "at", "past"));
      assertEquals(new Result.Int(2), capped.run("DBSIZE"), "the store is untouched");
      assertEquals(Result.bulk("p".repeat(24)), capped.run("GET", "past"), "the session goes on");
    }
  }

  @Test
  void everyCommandCountsInTheServerFigures() {
    run("AUTH", "s3cret");
    run("PING");
    run("nope");
    assertEquals(3, counters.commands());
  }
}
