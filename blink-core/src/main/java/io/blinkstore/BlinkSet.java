package io.blinkstore;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The set stored under one key of a {@link BlinkStore} ({@link BlinkStore#set(String)}): members of any bytes, each
 * at most once, with the semantics of Redis's set commands. The view holds nothing: each call reads or writes the
 * store, atomically for that key, as the command it names; a set left without members is removed, and one is created
 * by the first member added.
 *
 * <p>The set is one entry of the store: {@link BlinkStore#usage()} counts its key bytes plus every member's bytes,
 * and it is evicted, expired ({@link BlinkStore#expire}), deleted ({@link BlinkStore#delete}) and overwritten
 * ({@link BlinkStore#set(String, byte[])}) whole. Every method throws {@link WrongTypeException} if the key holds a
 * string (or another type), and every write that adds {@link EntryTooLargeException} if it could take the set past
 * the store's memory limit (nothing is changed then). Members are copied in and out; no argument may be null.
 *
 * <pre>{@code
 * BlinkSet tags = store.set("post:7:tags");
 * tags.add("java".getBytes(UTF_8), "cache".getBytes(UTF_8)); // SADD post:7:tags java cache: 2 new
 * boolean tagged = tags.contains("java".getBytes(UTF_8));    // SISMEMBER: true
 * List<byte[]> all = tags.members();                         // SMEMBERS
 * }</pre>
 */
public interface BlinkSet {
  /** The key of the set. */
  String key();

  /** {@code SADD}: adds {@code members}, atomically; how many were new. */
  long add(byte[]... members);

  /** {@code SREM}: removes {@code members}, atomically; how many were there. */
  long remove(byte[]... members);

  /** {@code SISMEMBER}: whether {@code member} is in the set. */
  boolean contains(byte[] member);

  /** {@code SCARD}: the number of members, 0 for an absent key. */
  long size();

  /**
   * {@code SMEMBERS}: every member, in the set's order (ascending integers while every member is one and there are
   * few, as Redis's intset; otherwise a hash table's), empty for an absent key.
   */
  List<byte[]> members();

  /** {@code SPOP}: removes a member at random and returns it, or {@code null} for an absent key. */
  byte @Nullable [] pop();

  /** {@code SRANDMEMBER}: a member at random, or {@code null} for an absent key. */
  byte @Nullable [] random();

  /**
   * {@code SMOVE}: moves {@code member} from this set to the set of {@code destination} (created if absent),
   * atomically; whether it was in this set.
   *
   * @throws WrongTypeException if {@code destination} holds another type (and this set exists)
   */
  boolean move(byte[] member, String destination);
}
