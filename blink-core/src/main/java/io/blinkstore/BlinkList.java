package io.blinkstore;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The list stored under one key, with the semantics of Redis 7.0's list commands: a view, holding no elements
 * itself, so every call reads or writes the store as it is then. Elements are byte arrays, copied on the way in
 * and on the way out. Indexes are Redis's: 0 is the head (the left end), -1 the tail (the right end), and a range
 * is inclusive at both ends.
 *
 * <p>A list that does not exist reads as empty; a push creates it, and a list left empty by a pop, a removal or
 * a trim is removed from the store, as in Redis. The list is one entry of the store, weighed by its key bytes
 * plus the bytes of its elements, evicted and expired as one entry. Every call is atomic: no other write of the
 * key is seen half done.
 *
 * <p>Every method throws {@code WrongTypeException} if the key holds a value of another type (a string), and
 * {@link EntryTooLargeException} if a write would take the list past the memory limit (nothing is then changed).
 * No argument may be {@code null}.
 */
public interface BlinkList {

  /** An end of the list, as Redis's {@code LEFT} and {@code RIGHT} name them. */
  enum End {
    /** The head, index 0 ({@code LPUSH}, {@code LPOP}). */
    LEFT,
    /** The tail, index -1 ({@code RPUSH}, {@code RPOP}). */
    RIGHT
  }

  /** The key of the list. */
  String key();

  /**
   * Adds {@code elements} at {@code end}, one after the other ({@code LPUSH a b} leaves {@code b} at the head),
   * creating the list if absent ({@code LPUSH}, {@code RPUSH}).
   *
   * @return the list's length after the push
   */
  long push(End end, byte[]... elements);

  /** As {@link #push}, but only if the list exists ({@code LPUSHX}, {@code RPUSHX}); 0 if it does not. */
  long pushIfPresent(End end, byte[]... elements);

  /** Removes and returns the element at {@code end}, or {@code null} if the list is empty ({@code LPOP}). */
  byte @Nullable [] pop(End end);

  /**
   * Removes and returns up to {@code count} elements from {@code end}, in the order they were popped
   * ({@code LPOP key count}), or {@code null} if the list does not exist.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  @Nullable List<byte[]> pop(End end, long count);

  /** The number of elements, 0 if the list does not exist ({@code LLEN}). */
  long size();

  /** The element at {@code index}, or {@code null} if out of range or the list does not exist ({@code LINDEX}). */
  byte @Nullable [] get(long index);

  /** The elements from {@code start} to {@code stop}, both included ({@code LRANGE}); out-of-range ends are clamped. */
  List<byte[]> range(long start, long stop);

  /**
   * Replaces the element at {@code index} ({@code LSET}).
   *
   * @return {@code false} if the list does not exist (nothing is stored)
   * @throws IndexOutOfBoundsException if {@code index} is out of range (nothing changes)
   */
  boolean set(long index, byte[] element);

  /**
   * Removes the first {@code count} elements equal to {@code element} from the head if positive, from the tail if
   * negative, all of them if 0 ({@code LREM}).
   *
   * @return how many were removed
   */
  long remove(long count, byte[] element);

  /**
   * Inserts {@code element} before (or after) the first element equal to {@code pivot} ({@code LINSERT}).
   *
   * @return the list's length after the insert, -1 if {@code pivot} is not in it, 0 if the list does not exist
   */
  long insert(boolean before, byte[] pivot, byte[] element);

  /**
   * The indexes of the elements equal to {@code element} ({@code LPOS}): from its {@code rank}-th match, counted
   * from the head if {@code rank} is positive and from the tail if negative; at most {@code count} of them (0:
   * all); comparing at most {@code maxLength} elements (0: all). Empty if the list does not exist.
   *
   * @throws IllegalArgumentException if {@code rank} is 0 or {@code count} or {@code maxLength} is negative
   */
  List<Long> positions(byte[] element, long rank, long count, long maxLength);

  /** Keeps only the elements from {@code start} to {@code stop}, both included ({@code LTRIM}). */
  void trim(long start, long stop);

  /**
   * Pops the element at {@code from} and pushes it at {@code to} of the list under {@code destination} (which may
   * be this list), creating it if absent ({@code LMOVE}, {@code RPOPLPUSH}). Nothing changes if this list is
   * empty (then {@code null}, whatever {@code destination} holds), or if {@code destination} holds another type
   * (then {@code WrongTypeException}).
   *
   * @return the element moved, or {@code null} if this list is empty
   */
  byte @Nullable [] move(End from, String destination, End to);
}
