package io.blinkstore;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The hash stored under one key of a {@link BlinkStore} ({@link BlinkStore#hash}): fields named by strings (stored as
 * their UTF-8 bytes) and values of bytes, with the semantics of Redis's hash commands. The view holds nothing: each
 * call reads or writes the store, atomically for that key, as the command it names; a hash left without fields is
 * removed, and one is created by the first write of a field.
 *
 * <p>The hash is one entry of the store: {@link BlinkStore#usage()} counts its key bytes plus every field and value
 * byte, and it is evicted, expired ({@link BlinkStore#expire}), deleted ({@link BlinkStore#delete}) and overwritten
 * ({@link BlinkStore#set}) whole. Every method throws {@link WrongTypeException} if the key holds a string (or
 * another type), and every write {@link EntryTooLargeException} if it could take the hash past the store's memory
 * limit (nothing is changed then). Values are copied in and out; no argument may be null.
 *
 * <pre>{@code
 * BlinkHash user = store.hash("user:42");
 * user.set("name", "Ada".getBytes(UTF_8));   // HSET user:42 name Ada: true, a new field
 * long visits = user.incrementBy("visits", 1); // HINCRBY user:42 visits 1: 1
 * Map<String, byte[]> all = user.getAll();    // HGETALL user:42
 * }</pre>
 */
public interface BlinkHash {
  /** The key of the hash. */
  String key();

  /** {@code HSET}: sets {@code field} to {@code value}; whether the field is new. */
  boolean set(String field, byte[] value);

  /** {@code HSET} of several fields at once, atomically; how many were new. */
  long setAll(Map<String, byte[]> fields);

  /** {@code HSETNX}: sets {@code field} if the hash has none of that name; whether it did. */
  boolean setIfAbsent(String field, byte[] value);

  /** {@code HGET}: the value of {@code field}, or {@code null} (also for an absent key). */
  byte @Nullable [] get(String field);

  /** {@code HDEL}: removes {@code field}; whether it was there. */
  boolean delete(String field);

  /** {@code HEXISTS}: whether the hash has {@code field}. */
  boolean contains(String field);

  /** {@code HLEN}: the number of fields, 0 for an absent key. */
  long size();

  /**
   * {@code HGETALL}: every field and its value, in the hash's order (insertion order while it is small), empty for
   * an absent key. Fields written as bytes that are not UTF-8 (through RESP) are decoded with replacement
   * characters.
   */
  Map<String, byte[]> getAll();

  /**
   * {@code HINCRBY}: adds {@code delta} to the integer value of {@code field} (0 if absent) and returns the sum.
   *
   * @throws NotAnIntegerException if the value is not the decimal text of a 64-bit integer
   * @throws ArithmeticException if the sum overflows (nothing is changed)
   */
  long incrementBy(String field, long delta);
}
