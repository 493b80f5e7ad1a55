package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every byte a {@code SORT} holds at once is held to the connection's output cap, counting 16 bytes per element
 * beside its bytes: the elements it reads (four of 20 bytes are 144 against a cap of 100), the {@code ALPHA}
 * values a {@code BY} pattern reads, and its reply or the list it stores. Past the cap it answers the error
 * {@code MGET} and {@code LRANGE} answer, and changes nothing; {@code BY nosort} with a {@code LIMIT} reads only
 * the range. A million-element list sorted with a {@code GET} pattern under the server's default cap is refused
 * at once instead of building a reply the size of the list.
 */
class SortOutputCapTest {
  private static final String E = "e".repeat(20);
  private final RespTester tester = new RespTester(Leases.DEFAULT_TABLE_BYTES, 100);

  @AfterEach
  void close() {
    tester.close();
  }

  private static Result tooLarge(long bytes, long cap) {
    return Result.error("reply of " + bytes + " bytes exceeds the output limit of " + cap + " bytes");
  }

  @Test
  void theElementsReadAreHeldToTheCapAndNosortWithALimitReadsOnlyItsRange() {
    assertEquals(integer(4), tester.run("RPUSH", "l", E, E, E, E));
    assertEquals(tooLarge(144, 100), tester.run("SORT", "l", "ALPHA"));
    assertEquals(tooLarge(144, 100), tester.run("SORT_RO", "l", "BY", "nosort"));
    assertEquals(new Result.Array(List.of(bulk(E), bulk(E))),
        tester.run("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"));
    assertEquals(new Result.Array(List.of(bulk(E), bulk(E))),
        tester.run("SORT", "l", "BY", "nosort", "LIMIT", "0", "2", "DESC"));
  }

  @Test
  void getValuesAndAlphaByValuesAreHeldToTheCapAndAStorePastItChangesNothing() {
    assertEquals(integer(3), tester.run("RPUSH", "ids", "1", "2", "3"));
    assertEquals(Result.OK, tester.run("MSET", "v_1", E, "v_2", E, "v_3", E));
    assertEquals(Result.OK, tester.run("SET", "out", "kept"));
    assertEquals(new Result.Array(List.of(bulk(E), bulk(E))), tester.run("SORT", "ids", "LIMIT", "0", "2",
        "GET", "v_*"));
    assertEquals(tooLarge(108, 100), tester.run("SORT", "ids", "GET", "v_*"));
    assertEquals(tooLarge(108, 100), tester.run("SORT", "ids", "GET", "v_*", "STORE", "out"));
    assertEquals(bulk("kept"), tester.run("GET", "out"));
    assertEquals(tooLarge(123, 100), tester.run("SORT", "ids", "BY", "v_*", "ALPHA"));
  }

  @Test
  void aMillionElementListSortedWithAGetPatternIsRefusedUnderTheDefaultCap() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      BlinkList list = store.list("big");
      byte[][] batch = new byte[10_000][];
      for (int i = 0; i < 100; i++) {
        for (int j = 0; j < batch.length; j++) {
          batch[j] = Integer.toString(i * batch.length + j).getBytes(StandardCharsets.US_ASCII);
        }
        list.push(BlinkList.End.RIGHT, batch);
      }
      RespSession session = new RespSession(new Dispatcher(store));
      long cap = BlinkServer.DEFAULT_MAX_OUTPUT_BYTES;
      Result sorted = RespTester.run(session, "SORT", "big", "GET", "v_*", "GET", "#");
      assertEquals(Result.Error.class, sorted.getClass());
      assertEquals(true, ((Result.Error) sorted).message().endsWith("exceeds the output limit of " + cap + " bytes"),
          sorted.toString());
      assertEquals(integer(1_000_000), RespTester.run(session, "LLEN", "big"));
      assertEquals(new Result.Array(List.of(Result.NULL, bulk("999999"))),
          RespTester.run(session, "SORT", "big", "BY", "nosort", "LIMIT", "0", "1", "DESC", "GET", "v_*", "GET",
              "#"));
    }
  }
}
