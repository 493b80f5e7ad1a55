package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RESP under the server's guards: the auth token, the heap guard, the output cap and the command counter. */
class RespGuardsTest {
  private final BlinkStore store = BlinkStore.builder().build();
  private final ServerCounters counters = new ServerCounters();
  private final HeapGuard heapGuard = new HeapGuard(0.5);
  private final RespCommands commands =
      new RespCommands(store, new Leases(), Clock.systemUTC(), counters, heapGuard, new Authenticator("s3cret"),
          BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  private final RespSession session = commands.newSession();

  @AfterEach
  void close() {
    store.close();
  }

  private RespReply run(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(ISO_8859_1);
    }
    return RespTester.copied(session.execute(new RespRequest.Command(bytes)));
  }

  @Test
  void beforeAuthEveryCommandButAuthHelloAndQuitIsRefusedAndNotExecuted() {
    assertEquals(RespCommands.NOAUTH, run("SET", "k", "v"));
    assertEquals(RespCommands.NOAUTH, run("GET", "k"));
    assertEquals(RespCommands.NOAUTH, run("PING"));
    assertNull(store.get("k"));
    assertEquals(RespReply.OK, run("QUIT"));
  }

  @Test
  void anUnknownCommandBeforeAuthGetsTheUnknownCommandErrorAsInRedis() {
    assertEquals(RespReply.error("unknown command 'nope', with args beginning with: "), run("nope"));
  }

  @Test
  void theRightTokenAuthenticatesWithOrWithoutTheDefaultUser() {
    assertEquals(RespReply.OK, run("AUTH", "s3cret"));
    assertEquals(RespReply.OK, run("SET", "k", "v"));
    RespSession other = commands.newSession();
    byte[][] auth = {"AUTH".getBytes(ISO_8859_1), "default".getBytes(ISO_8859_1), "s3cret".getBytes(ISO_8859_1)};
    assertEquals(RespReply.OK, other.execute(new RespRequest.Command(auth)));
  }

  @Test
  void aWrongTokenOrAnotherUserIsRefusedAndEndsAnEarlierAuthentication() {
    assertEquals(RespReply.OK, run("AUTH", "s3cret"));
    assertEquals(RespServerCommands.WRONGPASS, run("AUTH", "s3cre"));
    assertEquals(RespCommands.NOAUTH, run("GET", "k"));
    assertEquals(RespServerCommands.WRONGPASS, run("AUTH", "admin", "s3cret"));
    assertEquals(RespCommands.NOAUTH, run("GET", "k"));
  }

  @Test
  void helloCanAuthenticate() {
    assertEquals(RespServerCommands.WRONGPASS, run("HELLO", "2", "AUTH", "default", "wrong"));
    run("HELLO", "2", "AUTH", "default", "s3cret");
    assertEquals(RespReply.OK, run("SET", "k", "v"));
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
    assertEquals(RespReply.OK, run("AUTH", "s3cret"));
    assertEquals(RespReply.NULL, run("CLIENT", "GETNAME"), "no name was set before signing in");
    RespReply.Array hello = (RespReply.Array) run("HELLO", "2", "SETNAME", "later");
    assertEquals(RespReply.bulk("server"), hello.elements().get(0));
    assertEquals(RespReply.bulk("later"), run("CLIENT", "GETNAME"));
  }

  @Test
  void helloWithTheRightAuthSignsInAndSetsTheName() {
    RespReply.Array hello = (RespReply.Array) run("HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "me");
    assertEquals(RespReply.bulk("redis"), hello.elements().get(1));
    assertEquals(RespReply.bulk("me"), run("CLIENT", "GETNAME"));
  }

  @Test
  void aNearlyFullHeapRefusesWritesButServesReadsAndDeletes() {
    run("AUTH", "s3cret");
    assertEquals(RespReply.OK, run("SET", "k", "v"));
    heapGuard.afterCollection(90, 100);
    assertEquals(RespCommands.OOM, run("SET", "k2", "v"));
    assertEquals(RespCommands.OOM, run("MSET", "k2", "v", "k3", "w"));
    assertEquals(RespReply.bulk("v"), run("GET", "k"));
    assertEquals(new RespReply.Int(1), run("DEL", "k"));
    heapGuard.afterCollection(10, 100);
    assertEquals(RespReply.OK, run("SET", "k2", "v"));
  }

  /**
   * GETL only reads, or hands out a lease (the lease table has its own bound): like the text protocol's GETL it
   * goes on while the heap is nearly full; the FILL that would add the value is the write refused.
   */
  @Test
  void aNearlyFullHeapServesGetlAndRefusesFill() {
    run("AUTH", "s3cret");
    assertEquals(RespReply.OK, run("SET", "k", "v"));
    heapGuard.afterCollection(90, 100);
    assertEquals(new RespReply.Array(List.of(RespReply.bulk("VALUE"), RespReply.bulk("v"))), run("GETL", "k", "5000"));
    RespReply.Array grant = (RespReply.Array) run("GETL", "absent", "5000");
    assertEquals(RespReply.bulk("LEASE"), grant.elements().get(0));
    String token = Long.toString(((RespReply.Int) grant.elements().get(1)).value());
    assertEquals(RespCommands.OOM, run("FILL", "absent", token, "0", "v"));
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
      RespReply atTheCap = capped.run("MGET", "at", "at");
      assertEquals(new RespReply.Array(List.of(RespReply.bulk("a".repeat(23)), RespReply.bulk("a".repeat(23)))),
          atTheCap);
      assertEquals(64, RespEncoder.encodedLength(atTheCap));
      assertEquals(RespReply.error("reply of 65 bytes exceeds the output limit of 64 bytes"),
          capped.run("MGET", "at", "past"));
      assertEquals(new RespReply.Int(2), capped.run("DBSIZE"), "the store is untouched");
      assertEquals(RespReply.bulk("p".repeat(24)), capped.run("GET", "past"), "the session goes on");
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
