package io.blinkstore.redis;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a load saw of a failover, from its calls ({@link BoundedLoad.Call}) and the moments the primary was killed
 * and its replica promoted (all nanoTime): how many calls failed and why, over which span, and how many started
 * after the promotion.
 */
record Failover(long calls, long failedWrites, long failedReads, long firstFailureMillis, long lastFailureMillis,
    long lastFailingStartMillis, long promotedMillis, long servedAgainMillis, long longestCallMillis,
    long callsAfterPromotion, long failedEndingAfterPromotion, Map<String, Long> failures,
    List<BoundedLoad.Call> all) {

  /** Longer than any test runs: a key never served again. */
  private static final long NEVER_MILLIS = 1_000_000_000L;

  /**
   * The figures of {@code calls}, around a kill at {@code killed} and a promotion at {@code promoted}; the killed
   * node held the keys {@code onVictim} accepts.
   */
  static Failover of(List<BoundedLoad.Call> calls, long killed, long promoted, Predicate<String> onVictim) {
    List<BoundedLoad.Call> failed = calls.stream().filter(BoundedLoad.Call::failed).toList();
    long first = failed.stream().mapToLong(BoundedLoad.Call::start).min().orElse(killed);
    long last = failed.stream().mapToLong(BoundedLoad.Call::end).max().orElse(killed);
    long lastStart = failed.stream().mapToLong(BoundedLoad.Call::start).max().orElse(killed);
    Map<String, Long> kinds = failed.stream().collect(Collectors.groupingBy(
        call -> call.failure().replaceAll(" (GET|SET) load:\\S+", " $1 key"), TreeMap::new, Collectors.counting()));
    long longest = calls.stream().mapToLong(call -> call.end() - call.start()).max().orElse(0);
    return new Failover(calls.size(), failed.stream().filter(BoundedLoad.Call::write).count(),
        failed.stream().filter(call -> !call.write()).count(), millis(first - killed), millis(last - killed),
        millis(lastStart - killed), millis(promoted - killed), millis(servedAgain(calls, killed, onVictim) - killed),
        millis(longest), calls.stream().filter(call -> call.start() > promoted).count(),
        failed.stream().filter(call -> call.end() > promoted).count(), kinds, calls);
  }

  /**
   * When the killed node's keys were served again: the end of the first call on one of them that started after the
   * kill and succeeded.
   */
  private static long servedAgain(List<BoundedLoad.Call> calls, long killed, Predicate<String> onVictim) {
    return calls.stream().filter(call -> !call.failed() && call.start() > killed && onVictim.test(call.key()))
        .mapToLong(BoundedLoad.Call::end).min().orElse(Long.MAX_VALUE);
  }

  /** How many calls that started after {@code moment} (nanoTime) failed. */
  long failedStartingAfter(long moment) {
    return all.stream().filter(call -> call.failed() && call.start() > moment).count();
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  @Override
  public String toString() {
    return calls + " calls, " + (failedWrites + failedReads) + " failed (" + failedWrites + " writes, " + failedReads
        + " reads: " + failures + "), from +" + firstFailureMillis + " ms to +" + lastFailureMillis
        + " ms after the kill (the last failing call started at +" + lastFailingStartMillis + " ms); replica promoted"
        + " at +" + promotedMillis + " ms; the killed node's keys served again from "
        + (servedAgainMillis > NEVER_MILLIS ? "never" : "+" + servedAgainMillis + " ms") + "; "
        + callsAfterPromotion + " calls started after the promotion; " + failedEndingAfterPromotion + " failed calls"
        + " ended after it; longest call " + longestCallMillis + " ms";
  }
}
