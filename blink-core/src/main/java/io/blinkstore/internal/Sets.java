package io.blinkstore.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the set operations blink-server's commands ({@code SADD}, {@code SMEMBERS}, ... {@code SUNIONSTORE}) run
 * on the in-process store, with members of any bytes (RESP's) and Redis 7.0's semantics: a set left without members
 * is removed, a key holding another type throws {@link io.blinkstore.WrongTypeException}, a write that would take a
 * set past the store's limit or heap capacity throws {@link io.blinkstore.EntryTooLargeException} and changes
 * nothing. Each single-key operation is atomic (under the key's lock) and holds the store's gate as the store's
 * other operations do; a write marks the key's watchers. The operations on several keys ({@link #move},
 * {@link #combine}, {@link #store}, {@link #intersectionSize}) read and write their keys one after the other: the
 * store's view runs them as they come, for a caller that holds the gate exclusive ({@link Isolation#atomically}, as
 * the server does for these commands); the gated store takes it exclusive itself. Keys are store keys
 * (namespaced); arrays passed in are copied, arrays returned are copies. Replies of many members are refused with
 * {@code null} before they are built if their bytes, each member counted with {@link ListReplies#ELEMENT_OVERHEAD},
 * would pass the {@code maxBytes} given.
 */
public interface Sets {
  /** What gives {@link Sets}: the in-process store and its view. */
  interface Source {
    Sets sets();
  }

  /** The set operations of several keys. */
  enum Op { UNION, INTER, DIFF }

  /** One step of {@link #scan}: the cursor to pass next (0: done), and members. */
  record Step(long cursor, List<byte[]> members) {}

  /** {@code SADD}: adds the members {@code args[from...]}; how many were new. */
  long add(String key, byte[][] args, int from);

  /** {@code SREM}: removes the members {@code args[from...]}; how many there were. */
  long remove(String key, byte[][] args, int from);

  /** {@code SISMEMBER}. */
  boolean contains(String key, byte[] member);

  /** {@code SMISMEMBER}: whether each of the members {@code args[from...]} is in the set. */
  boolean[] containsEach(String key, byte[][] args, int from);

  /** {@code SCARD}: the number of members, 0 for an absent key. */
  long size(String key);

  /** {@code SMEMBERS}: every member in the set's order (ascending while an intset), or {@code null} past {@code maxBytes}. */
  @Nullable List<byte[]> members(String key, long maxBytes);

  /** {@code SRANDMEMBER key}: a member at random, or {@code null} for an absent key. */
  byte @Nullable [] random(String key);

  /**
   * {@code SRANDMEMBER key count}: {@code count} distinct members at random (all, in the set's order, if fewer), or
   * {@code -count} members that may repeat if {@code count} is negative; {@code null} past {@code maxBytes}.
   */
  @Nullable List<byte[]> random(String key, long count, long maxBytes);

  /** {@code SPOP key}: removes a member at random and returns it, or {@code null} for an absent key. */
  byte @Nullable [] pop(String key);

  /**
   * {@code SPOP key count}: removes {@code count} distinct members at random (all, in the set's order, if fewer)
   * and returns them; {@code null}, with nothing removed, if they would pass {@code maxBytes}.
   */
  @Nullable List<byte[]> pop(String key, long count, long maxBytes);

  /**
   * {@code SSCAN}: the members from {@code cursor} on. An intset gives all of them at once and cursor 0, as Redis
   * does; a table about {@code count}, each member present from the first step to the last returned exactly once.
   */
  Step scan(String key, long cursor, int count);

  /**
   * {@code SMOVE}: moves {@code member} from the set of {@code from} to that of {@code to} (created if absent);
   * whether it was in {@code from}. Nothing is checked of {@code to} if {@code from} is absent, as in Redis.
   */
  boolean move(String from, String to, byte[] member);

  /**
   * {@code SUNION}, {@code SINTER}, {@code SDIFF}: the members of the sets of {@code keys} combined (an absent key
   * is an empty set), or {@code null} past {@code maxBytes}. A union or difference is answered in the order of a
   * set built from it (ascending integers while it would be an intset), an intersection in the smallest set's.
   */
  @Nullable List<byte[]> combine(Op op, List<String> keys, long maxBytes);

  /**
   * {@code SUNIONSTORE}, {@code SINTERSTORE}, {@code SDIFFSTORE}: stores the combination at {@code destination}
   * (replacing whatever it held, its time to live gone; deleting it if the combination is empty); its size.
   */
  long store(Op op, String destination, List<String> keys);

  /** {@code SINTERCARD}: the size of the intersection, counting stopped at {@code limit} if it is positive. */
  long intersectionSize(List<String> keys, long limit);

  /**
   * {@code CONFIG SET set-max-intset-entries}: the most members of a set kept as an intset from now on; a set past
   * it becomes a table for good. Redis's default, 512, until set.
   */
  void maxIntsetEntries(long entries);
}
