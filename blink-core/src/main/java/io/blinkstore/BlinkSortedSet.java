package io.blinkstore;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sorted set stored under one key, with the semantics of Redis 7.0's sorted-set commands: a view, holding no
 * members itself, so every call reads or writes the store as it is then. Members are strings (stored as their UTF-8
 * bytes), each with a score (a double, never NaN; infinities allowed), ordered by score, then by member bytes.
 * Ranks start at 0 with the lowest score; a rank range is inclusive at both ends, negative ranks count from the
 * highest (-1), as Redis's {@code ZRANGE}; a score range is inclusive at both ends.
 *
 * <p>A sorted set that does not exist reads as empty; an add creates it, and a set left empty by a removal or a pop
 * is removed from the store, as in Redis. The set is one entry of the store, weighed by its key bytes plus, per
 * member, its bytes and 8 for its score, evicted and expired as one entry. Every call is atomic.
 *
 * <p>Every method throws {@code WrongTypeException} if the key holds a value of another type, and
 * {@link EntryTooLargeException} if a write would take the set past the memory limit (nothing is then changed). No
 * argument may be {@code null}; a NaN score is an {@link IllegalArgumentException}.
 */
public interface BlinkSortedSet {

  /** A member and its score. */
  record Member(String member, double score) {}

  /** The key of the sorted set. */
  String key();

  /** Adds {@code member} with {@code score}, or changes its score ({@code ZADD}); whether it is new. */
  boolean add(String member, double score);

  /**
   * Adds {@code delta} to the score of {@code member} (0 if absent, which adds it) and returns the new score
   * ({@code ZINCRBY}).
   *
   * @throws IllegalArgumentException if {@code delta} is NaN, or the sum is (an infinity plus its opposite), for
   *     the in-process store; a client throws its server's error ({@code resulting score is not a number (NaN)}).
   *     Nothing is changed then.
   */
  double incrementScore(String member, double delta);

  /** The score of {@code member}, or {@code null} if it is not in the set ({@code ZSCORE}). */
  @Nullable Double score(String member);

  /** The rank of {@code member}, lowest score first, or -1 if it is not in the set ({@code ZRANK}). */
  long rank(String member);

  /** Removes {@code member} ({@code ZREM}); whether it was there. */
  boolean remove(String member);

  /** The number of members, 0 if the set does not exist ({@code ZCARD}). */
  long size();

  /** The number of members whose score is from {@code min} to {@code max}, both included ({@code ZCOUNT}). */
  long count(double min, double max);

  /** The members from rank {@code start} to {@code stop}, both included, with their scores ({@code ZRANGE}). */
  List<Member> range(long start, long stop);

  /** The members whose score is from {@code min} to {@code max}, both included, in order ({@code ZRANGEBYSCORE}). */
  List<Member> rangeByScore(double min, double max);

  /** Removes and returns the member of the lowest score, or {@code null} if the set is empty ({@code ZPOPMIN}). */
  @Nullable Member popMin();

  /** Removes and returns the member of the highest score, or {@code null} if the set is empty ({@code ZPOPMAX}). */
  @Nullable Member popMax();
}
