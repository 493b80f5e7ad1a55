package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A list reply that would pass the connection's output cap ({@code --max-output-bytes}) is refused with the error
 * {@code MGET} and {@code HGETALL} answer, before anything is copied or popped: the connection would otherwise be
 * closed for it, and a pop's elements lost with it. Each element counts its bytes and 16 for its RESP header and
 * line ends; four elements of 20 bytes are 144 bytes against a cap of 100.
 */
class ListOutputCapTest {
  private static final String E = "e".repeat(20);
  private final RespTester tester = new RespTester(Leases.DEFAULT_TABLE_BYTES, 100);

  @AfterEach
  void close() {
    tester.close();
  }

  private void fill() {
    assertEquals(integer(4), tester.run("RPUSH", "l", E, E, E, E));
  }

  private static Result tooLarge(long bytes) {
    return Result.error("reply of " + bytes + " bytes exceeds the output limit of 100 bytes");
  }

  @Test
  void anLrangePastTheCapIsRefusedAndOneWithinItServed() {
    fill();
    assertEquals(tooLarge(144), tester.run("LRANGE", "l", "0", "-1"));
    assertEquals(tooLarge(108), tester.run("LRANGE", "l", "-3", "-1"));
    assertEquals(new Result.Array(List.of(bulk(E), bulk(E))), tester.run("LRANGE", "l", "1", "2"));
  }

  @Test
  void aPopWithACountPastTheCapPopsNothing() {
    fill();
    assertEquals(tooLarge(108), tester.run("LPOP", "l", "3"));
    assertEquals(tooLarge(144), tester.run("RPOP", "l", "10"));
    assertEquals(integer(4), tester.run("LLEN", "l"));
    assertEquals(new Result.Array(List.of(bulk(E), bulk(E))), tester.run("RPOP", "l", "2"));
    assertEquals(integer(2), tester.run("LLEN", "l"));
  }

  @Test
  void anLmpopOrBlmpopPastTheCapPopsNothing() {
    fill();
    assertEquals(tooLarge(144), tester.run("LMPOP", "2", "absent", "l", "LEFT", "COUNT", "4"));
    assertEquals(tooLarge(108), tester.run("BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "3"));
    assertEquals(integer(4), tester.run("LLEN", "l"));
    assertEquals(new Result.Array(List.of(bulk("l"), new Result.Array(List.of(bulk(E))))),
        tester.run("LMPOP", "1", "l", "LEFT"));
  }

  /** One element past the cap: {@code LPOP}, {@code RPOP}, {@code BLPOP}, {@code BRPOP} without a count pop nothing. */
  @Test
  void aSingleElementPastTheCapIsNotPopped() {
    String big = "b".repeat(90); // 90 + 16 = 106 bytes of reply against a cap of 100
    assertEquals(integer(1), tester.run("RPUSH", "l", big));
    assertEquals(tooLarge(106), tester.run("LPOP", "l"));
    assertEquals(tooLarge(106), tester.run("RPOP", "l"));
    assertEquals(tooLarge(106), tester.run("BLPOP", "l", "0"));
    assertEquals(tooLarge(106), tester.run("BRPOP", "absent", "l", "0"));
    assertEquals(integer(1), tester.run("LLEN", "l"));
    assertEquals(integer(2), tester.run("RPUSH", "l", E));
    assertEquals(bulk(E), tester.run("RPOP", "l"));
  }
}
