package io.blinkstore.internal;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Not API: the sorted sets blink-server's commands ({@code ZADD}, {@code ZRANGE}, ... {@code BZPOPMIN}) run on the
 * in-process store. Each call runs a function of the server's on one sorted set ({@link Members}) under the key's
 * lock and the set's monitor, so it is atomic: {@link #read} on the live set, {@link #update} inside the map's
 * {@code compute} (re-weighed after, refused before any change if it could pass the store's limit or heap
 * capacity, a set left empty removed, the key's watchers marked when {@code modified} says so). A key holding
 * another type throws {@link io.blinkstore.WrongTypeException}. Keys are store keys (namespaced). The store built by
 * {@code BlinkStore.builder()} is a {@link Source} of one (its {@linkplain Isolation#view() view} too).
 *
 * <p>The functions run with the set's monitor held: they must be quick, must not call the store, and must check
 * everything that can refuse a write before they change anything.
 */
public interface SortedSets {
  /** What gives {@link SortedSets}: the in-process store and its view. */
  interface Source {
    SortedSets sortedSets();
  }

  /** Visits members in order: the member (the store's array, never to be changed) and its score; false stops. */
  @FunctionalInterface
  interface Visitor {
    boolean visit(byte[] member, double score);
  }

  /** One step of {@link Members#scan}: the cursor to pass next (0: done), and members and scores, in pairs. */
  record Step(long cursor, List<byte[]> members, double[] scores) {}

  /**
   * One sorted set, ordered by score, then by member bytes (unsigned, a shorter prefix first), as Redis orders
   * them. Ranks start at 0. Every rank query is O(log n); a member's score is found in O(1).
   */
  interface Members {
    /** The number of members. */
    long size();

    /** The score of {@code member}, or NaN if it has none (a score is never NaN). */
    double score(byte[] member);

    /** The rank of {@code member} in ascending order, or -1. */
    long rank(byte[] member);

    /** Adds {@code member} (copied) with {@code score}, or changes its score; whether it is new. */
    boolean put(byte[] member, double score);

    /** Removes {@code member}; whether it was there. */
    boolean remove(byte[] member);

    /**
     * The number of members whose score is below {@code score} ({@code inclusive}: at most {@code score}): the
     * rank of the first member past it.
     */
    long countBelow(double score, boolean inclusive);

    /** As {@link #countBelow}, comparing members' bytes only (Redis's lexicographic ranges). */
    long countBelowLex(byte[] member, boolean inclusive);

    /**
     * Visits the members from rank {@code rank} on, ascending, or descending ({@code reverse}) down from it, until
     * {@code visitor} returns false or none is left. Nothing if {@code rank} is out of range.
     */
    void walk(long rank, boolean reverse, Visitor visitor);

    /** A step of a scan from {@code cursor} of about {@code count} members (all of them while it is compact). */
    Step scan(long cursor, int count);

    /** What {@code OBJECT ENCODING} answers for it now: {@code listpack} or {@code skiplist}. */
    String encoding();
  }

  /**
   * The bounds of a sorted set kept {@code listpack}-encoded ({@code zset-max-listpack-entries},
   * {@code zset-max-listpack-value}), for the writes after.
   */
  void compactBounds(long maxEntries, long maxBytes);

  /**
   * Visits every member of the live sorted set of {@code key} with its score, in order, or every member of its set
   * with the score 1 (as Redis's {@code ZUNION}, {@code ZINTER} and {@code ZDIFF} read a set); whether the key had
   * a value.
   *
   * @throws io.blinkstore.WrongTypeException if the key holds another type
   */
  boolean readInput(String key, Visitor visitor);

  /**
   * The score of {@code member} in the live sorted set of {@code key}, 1 if the key holds a set that has it (as
   * {@link #readInput} scores it), NaN if the member or the key is not there: one look-up, no copy.
   *
   * @throws io.blinkstore.WrongTypeException if the key holds another type
   */
  double inputScore(String key, byte[] member);

  /** Runs {@code reader} on the live sorted set of {@code key}; {@code absent} if there is none. */
  <R> R read(String key, Function<Members, R> reader, R absent);

  /**
   * Runs {@code change} on the sorted set of {@code key}, created empty if absent and {@code create} (else
   * {@code absent} is answered). It may add at most {@code growMembers} members of {@code growBytes} bytes in all.
   */
  <R> R update(String key, boolean create, long growBytes, long growMembers, Function<Members, R> change, R absent,
      Predicate<? super R> modified);
}
