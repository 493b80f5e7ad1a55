package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import io.blinkstore.server.protocol.text.Command;
import io.blinkstore.server.protocol.text.Reply;
import io.blinkstore.server.protocol.text.TextCommands;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GETL}, {@code FILL} and {@code RELEASE} over RESP, sharing one lease table with the text protocol. */
class RespLeaseCommandsTest {
  @RegisterExtension final RespTester tester = new RespTester();
  private final BlinkStore store = tester.store;
  private final RespSession other = new RespSession(tester.commands);

  private Result run(String... args) {
    return tester.run(args);
  }

  /** Asks for {@code key} with {@code GETL} and returns the lease token it must be granted. */
  private String lease(String key) {
    return tester.lease(key);
  }

  private static Result pair(String word, Result argument) {
    return new Result.Array(List.of(bulk(word), argument));
  }

  @Test
  void oneClientGetsTheLeaseOthersWaitAndAllReadTheFilledValue() {
    String token = lease("k");
    Result.Array wait = (Result.Array) RespTester.run(other, "GETL", "k", "5000");
    assertEquals(bulk("WAIT"), wait.elements().get(0));
    assertInstanceOf(Result.Int.class, wait.elements().get(1));
    assertEquals(Result.OK, run("FILL", "k", token, "0", "value"));
    assertEquals(pair("VALUE", bulk("value")), RespTester.run(other, "GETL", "k", "5000"));
    assertEquals(integer(-1), run("TTL", "k"));
  }

  @Test
  void fillStoresBinaryValuesWithATimeToLive() {
    String token = lease("k");
    byte[] value = {0, '\r', '\n', (byte) 0xff};
    Result reply = tester.session.execute(new RespRequest.Command(new byte[][] {
        "FILL".getBytes(), "k".getBytes(), token.getBytes(), "100000".getBytes(), value}));
    assertEquals(Result.OK, reply);
    assertArrayEquals(value, store.get("k"));
    assertEquals(integer(100), run("TTL", "k"));
  }

  @Test
  void fillRefusesATimeToLiveThatIsNotAPositiveIntegerWithinTheLimit() {
    String token = lease("k");
    long limit = BlinkStore.MAX_TTL.toMillis();
    for (String ttl : List.of("-1", "00", "1.5", "abc", Long.toString(limit + 1))) {
      assertEquals(error("ERR invalid expire time in 'fill' command"), run("FILL", "k", token, ttl, "v"), ttl);
    }
    assertNull(store.get("k"), "nothing was stored");
    assertEquals(Result.OK, run("FILL", "k", token, Long.toString(limit), "v"), "the limit itself is taken");
  }

  @Test
  void aTokenFillsOnceAndAReleasedLeaseGoesToTheNextAsker() {
    String token = lease("k");
    assertEquals(integer(1), run("RELEASE", "k", token));
    assertEquals(integer(0), run("RELEASE", "k", token));
    assertEquals(error("ERR lease expired"), run("FILL", "k", token, "0", "late"));
    assertNull(store.get("k"));
    String next = lease("k");
    assertEquals(Result.OK, run("FILL", "k", next, "0", "v"));
    assertEquals(error("ERR lease expired"), run("FILL", "k", next, "0", "again"));
    assertEquals("v", store.getString("k"));
  }

  @Test
  void textAndRespClientsShareTheLeaseOfAKey() {
    TextCommands text = new TextCommands(tester.commands);
    Reply.Lease lease = (Reply.Lease) text.execute(new Command.GetOrLease("k", 5000));
    assertEquals(bulk("WAIT"), ((Result.Array) run("GETL", "k", "5000")).elements().get(0));
    assertEquals(Result.OK, run("FILL", "k", Long.toString(lease.token()), "0", "from resp"));
    assertEquals(new Reply.Value("from resp".getBytes()), text.execute(new Command.GetOrLease("k", 5000)));
  }

  @Test
  void aWriteOfTheKeyByAnyoneElseEndsItsLeaseSoAStaleFillCannotOverwriteIt() {
    for (String[] write : List.of(
        new String[] {"SET", "k", "fresh"}, new String[] {"DEL", "k"}, new String[] {"INCR", "k"},
        new String[] {"MSET", "k", "fresh"}, new String[] {"SETNX", "k", "fresh"},
        new String[] {"SET", "k", "fresh", "NX", "PX", "5000"}, new String[] {"FLUSHALL"})) {
      String token = lease("k");
      RespTester.run(other, write);
      byte[] written = store.get("k");
      assertEquals(error("ERR lease expired"), run("FILL", "k", token, "0", "stale from the database"),
          String.join(" ", write));
      assertArrayEquals(written, store.get("k"), String.join(" ", write));
      store.delete("k");
    }
  }

  @Test
  void waitAnswersCountNoMissesOnlyTheLeaseAndTheFilledValueCount() {
    String token = lease("k");
    for (int i = 0; i < 5; i++) {
      assertEquals(bulk("WAIT"), ((Result.Array) RespTester.run(other, "GETL", "k", "5000")).elements().get(0));
    }
    assertEquals(Result.OK, run("FILL", "k", token, "0", "v"));
    assertEquals(pair("VALUE", bulk("v")), RespTester.run(other, "GETL", "k", "5000"));
    assertEquals(1, store.stats().misses());
    assertEquals(1, store.stats().hits());
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(error("ERR invalid lease time"), run("GETL", "k", "0"));
    assertEquals(error("ERR invalid lease time"), run("GETL", "k", "x"));
    assertEquals(error("ERR invalid lease token"), run("FILL", "k", "x", "0", "v"));
    assertEquals(error("ERR invalid lease token"), run("RELEASE", "k", "1.5"));
    assertEquals(error("ERR invalid expire time in 'fill' command"), run("FILL", "k", "1", "-1", "v"));
    assertEquals(integer(0), run("RELEASE", "a b", "1"));
    assertEquals(error("ERR wrong number of arguments for 'fill' command"), run("FILL", "k", "1", "0"));
    assertEquals(0, store.size());
  }

  @Test
  void aFullLeaseTableIsReported() {
    try (RespTester small = new RespTester(Leases.costOf("a"))) {
      assertEquals(bulk("LEASE"), ((Result.Array) small.run("GETL", "a", "5000")).elements().get(0));
      assertEquals(error("ERR lease table full"), small.run("GETL", "b", "5000"));
    }
  }
}
