package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.protocol.resp.RespSession;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sorted set among the other keys: {@code TYPE}, {@code SCAN ... TYPE zset}, {@code OBJECT ENCODING} by Redis's
 * bounds (and {@code CONFIG SET} of them), {@code COPY} (deep), {@code RENAME}, {@code MOVE}; and a write of it
 * marks its watchers, so another connection's {@code EXEC} after {@code WATCH} is aborted, and a transaction
 * applies its sorted-set writes together.
 */
class RespSortedSetKeyspaceTest {
  @RegisterExtension final RespTester resp = new RespTester();

  @Test
  void aSortedSetIsSeenByTheGenericCommands() {
    assertEquals(integer(2), resp.run("ZADD", "z", "1", "a", "2", "b"));
    resp.run("SET", "s", "v");
    assertEquals(new Result.Simple("zset"), resp.run("TYPE", "z"));
    assertEquals(new Result.Array(List.of(bulk("0"), new Result.Array(List.of(bulk("z"))))),
        resp.run("SCAN", "0", "TYPE", "zset"));
    assertEquals(bulk("listpack"), resp.run("OBJECT", "ENCODING", "z"));
    assertEquals(integer(1), resp.run("COPY", "z", "c"));
    assertEquals(integer(1), resp.run("ZREM", "c", "a"));
    assertEquals(integer(2), resp.run("ZCARD", "z"), "a copy shares nothing");
    assertEquals(Result.OK, resp.run("RENAME", "c", "r"));
    assertEquals(new Result.Double(2), resp.run("ZSCORE", "r", "b"));
    assertEquals(integer(1), resp.run("MOVE", "r", "1"));
    assertEquals(integer(0), resp.run("EXISTS", "r"));
  }

  @Test
  void configSetOfTheListpackBoundsDecidesTheEncodingOfTheWritesAfter() {
    assertEquals(Result.OK, resp.run("CONFIG", "SET", "zset-max-ziplist-entries", "2"));
    assertEquals(new Result.Map(List.of(bulk("zset-max-listpack-entries"), bulk("2"))),
        resp.run("CONFIG", "GET", "zset-max-listpack-entries"));
    resp.run("ZADD", "small", "1", "a", "2", "b");
    assertEquals(bulk("listpack"), resp.run("OBJECT", "ENCODING", "small"));
    resp.run("ZADD", "small", "3", "c");
    assertEquals(bulk("skiplist"), resp.run("OBJECT", "ENCODING", "small"));
    resp.run("ZREM", "small", "c");
    assertEquals(bulk("skiplist"), resp.run("OBJECT", "ENCODING", "small"), "for good, as Redis");
    assertEquals(Result.OK, resp.run("CONFIG", "SET", "zset-max-listpack-value", "3"));
    resp.run("ZADD", "long", "1", "abcd");
    assertEquals(bulk("skiplist"), resp.run("OBJECT", "ENCODING", "long"));
  }

  @Test
  void aSortedSetWriteAbortsAnotherConnectionsWatchAndATransactionAppliesItsWrites() {
    RespSession other = new RespSession(resp.commands);
    resp.run("ZADD", "z", "1", "a");
    assertEquals(Result.OK, resp.run("WATCH", "z"));
    assertEquals(integer(0), RespTester.run(other, "ZADD", "z", "5", "a"));
    assertEquals(Result.OK, resp.run("MULTI"));
    resp.run("ZADD", "z", "2", "b");
    assertEquals(new Result.NullArray(), resp.run("EXEC"));
    assertEquals(new Result.Double(5), resp.run("ZSCORE", "z", "a"));
    assertEquals(Result.NULL, resp.run("ZSCORE", "z", "b"));
    assertEquals(Result.OK, resp.run("MULTI"));
    resp.run("ZINCRBY", "z", "1", "a");
    resp.run("ZUNIONSTORE", "u", "1", "z");
    assertEquals(new Result.Array(List.of(new Result.Double(6), integer(1))), resp.run("EXEC"));
    assertEquals(new Result.Double(6), resp.run("ZSCORE", "u", "a"));
  }
}
