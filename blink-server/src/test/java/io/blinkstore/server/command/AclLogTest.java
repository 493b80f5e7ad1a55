package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code ACL LOG}'s entries as Redis 7.0 keeps them: at most 128 (the oldest dropped), an event like a recent one
 * counted on it and moved first, but not once a minute has passed, and {@code RESET} empties it.
 */
class AclLogTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AclLog log = new AclLog(now::get);

  private Result.Array entries(long count) {
    return (Result.Array) log.render(count);
  }

  private static Result field(Result entry, String name) {
    var pairs = ((Result.Map) entry).keysAndValues();
    for (int i = 0; i < pairs.size(); i += 2) {
      if (pairs.get(i).equals(Result.bulk(name))) {
        return pairs.get(i + 1);
      }
    }
    throw new AssertionError("no field " + name);
  }

  @Test
  void keepsTheNewest128() {
    for (int i = 0; i < 200; i++) {
      log.add(AclLog.Reason.KEY, AclLog.Context.TOPLEVEL, "key" + i, "alice", "id=1");
    }
    assertEquals(128, entries(1_000).elements().size());
    assertEquals(Result.bulk("key199"), field(entries(1).elements().get(0), "object"));
    assertEquals(Result.bulk("key72"), field(entries(1_000).elements().get(127), "object"));
    assertEquals(10, entries(10).elements().size());
  }

  @Test
  void aLikeEventWithinAMinuteCountsOnTheEntry() {
    log.add(AclLog.Reason.COMMAND, AclLog.Context.TOPLEVEL, "get", "alice", "id=1");
    log.add(AclLog.Reason.KEY, AclLog.Context.TOPLEVEL, "k", "alice", "id=1");
    now.addAndGet(60_000);
    log.add(AclLog.Reason.COMMAND, AclLog.Context.TOPLEVEL, "get", "alice", "id=2");
    assertEquals(2, entries(10).elements().size());
    Result first = entries(10).elements().get(0);
    assertEquals(new Result.Int(2), field(first, "count"));
    assertEquals(Result.bulk("id=2"), field(first, "client-info"));
    assertEquals(Result.bulk("command"), field(first, "reason"));
    assertEquals(Result.bulk("toplevel"), field(first, "context"));
    now.addAndGet(60_001);
    log.add(AclLog.Reason.COMMAND, AclLog.Context.TOPLEVEL, "get", "alice", "id=3");
    assertEquals(3, entries(10).elements().size());
    log.add(AclLog.Reason.COMMAND, AclLog.Context.MULTI, "get", "alice", "id=3");
    log.add(AclLog.Reason.COMMAND, AclLog.Context.MULTI, "get", "bob", "id=3");
    assertEquals(5, entries(10).elements().size());
    log.clear();
    assertEquals(0, entries(10).elements().size());
  }
}
