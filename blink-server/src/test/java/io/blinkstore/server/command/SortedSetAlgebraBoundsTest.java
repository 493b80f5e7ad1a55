package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the sorted-set algebra allocates is bounded by what it answers or stores, not by how often a request names
 * an input: a {@code ZUNIONSTORE} naming one 50,000-member set 1,000 times (a 10 KB request) allocates about one
 * union, and a {@code ZUNION} past the output cap (here 100,000 bytes) is refused before the union is built.
 * Measured as the bytes the test's thread allocates (the dispatcher runs the command on it), against bounds several
 * times what the command needs and a fraction of what it allocated when it kept a copy of each input.
 */
class SortedSetAlgebraBoundsTest {
  private static final int MEMBERS = 50_000;
  private static final long CAP = 100_000;
  private final BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build();
  private final RespSession session = new RespSession(new Dispatcher(store, new Leases(), Clock.systemUTC(),
      new ServerCounters(), HeapGuard.NONE, null, CAP, EntrySizeLimits.NONE));

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(List<String> args) {
    return RespTester.run(session, args.toArray(String[]::new));
  }

  private void bigSet() {
    List<String> zadd = new ArrayList<>(List.of("ZADD", "z"));
    for (int i = 0; i < MEMBERS; i++) {
      zadd.add(Integer.toString(i));
      zadd.add("member:" + i);
    }
    assertEquals(integer(MEMBERS), run(zadd));
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Regression: every input was copied and kept until the end (a 1,000-fold union ran a 92 MiB heap out). */
  @Test
  void aUnionNamingOneSetAThousandTimesAllocatesAboutOneUnion() {
    bigSet();
    List<String> union = new ArrayList<>(List.of("ZUNIONSTORE", "out", "1000"));
    for (int i = 0; i < 1000; i++) {
      union.add("z");
    }
    long before = allocatedBytes();
    assertEquals(integer(MEMBERS), run(union));
    long allocated = allocatedBytes() - before;
    // One input copied (a reference and a score per member) is about 1 MB; a thousand are 1 GB.
    assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes");
    assertEquals(new Result.Double(1000), RespTester.run(session, "ZSCORE", "out", "member:1"));
  }

  @Test
  void aUnionPastTheOutputCapIsRefusedBeforeItIsBuilt() {
    bigSet();
    long before = allocatedBytes();
    Result reply = RespTester.run(session, "ZUNION", "2", "z", "z", "WITHSCORES");
    long allocated = allocatedBytes() - before;
    assertTrue(reply instanceof Result.Error error
        && error.message().endsWith("exceeds the output limit of " + CAP + " bytes"), reply::toString);
    // The union of 50,000 members, built whole, is several MB; refused at the cap, about a thousand members.
    assertTrue(allocated < 2L << 20, "allocated " + allocated + " bytes");
  }
}
