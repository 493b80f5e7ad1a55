package io.blinkstore.internal;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the hash operations blink-server's commands ({@code HSET}, {@code HGET}, ...) run on the in-process store,
 * with fields and values of any bytes (RESP's), Redis's semantics: a hash left without fields is removed, a write
 * of a key holding another type throws {@link io.blinkstore.WrongTypeException}, one that would take the hash past
 * the store's limit or heap capacity throws {@link io.blinkstore.EntryTooLargeException} and changes nothing. Each
 * operation is atomic (under the key's lock) and holds the store's gate as its other operations do; a write marks
 * the key's watchers. Keys are store keys (namespaced); arrays passed in are copied, arrays returned are copies.
 * The store built by {@code BlinkStore.builder()} is a {@link Source} of one (its {@linkplain Isolation#view() view}
 * too).
 */
public interface Hashes {
  /** What gives {@link Hashes}: the in-process store and its view. */
  interface Source {
    Hashes hashes();
  }

  /** One step of {@link #scan}: the cursor to pass next (0: done), and fields and values, one after the other. */
  record Step(long cursor, List<byte[]> fieldsAndValues) {}

  /** {@code HSET}: sets the fields {@code args[from]}, {@code args[from + 2]}, ... to the values after each; how many were new. */
  long set(String key, byte[][] args, int from);

  /** {@code HSETNX}: sets {@code field} if the hash does not have it; whether it did. */
  boolean setIfAbsent(String key, byte[] field, byte[] value);

  /** {@code HGET}: the value of {@code field}, or {@code null}. */
  byte @Nullable [] get(String key, byte[] field);

  /** {@code HMGET}: the values of the fields {@code args[from...]}, {@code null} for each one absent. */
  List<byte @Nullable []> getEach(String key, byte[][] args, int from);

  /** {@code HDEL}: removes the fields {@code args[from...]}; how many there were. */
  long delete(String key, byte[][] args, int from);

  /** {@code HEXISTS}: whether the hash has {@code field}. */
  boolean contains(String key, byte[] field);

  /** {@code HLEN}: the number of fields, 0 for an absent key. */
  long size(String key);

  /** {@code HSTRLEN}: the length of the value of {@code field}, 0 if absent. */
  long valueLength(String key, byte[] field);

  /**
   * {@code HGETALL} ({@code fields} and {@code values}), {@code HKEYS}, {@code HVALS}: every field and/or value, in
   * the hash's order, or {@code null} if their bytes would pass {@code maxBytes} (nothing more is copied then).
   */
  @Nullable List<byte[]> entries(String key, boolean fields, boolean values, long maxBytes);

  /**
   * {@code HINCRBY}, {@code HINCRBYFLOAT}: sets {@code field} to what {@code next} makes of its value ({@code null}
   * if absent), and returns it. {@code next} runs under the key's lock: it must not call the store, and it refuses
   * by throwing (then nothing changes). Its result is at most {@code maxValueBytes} long.
   *
   * @throws IllegalStateException if the value {@code next} made is longer than {@code maxValueBytes}
   */
  byte[] compute(String key, byte[] field, int maxValueBytes, Function<byte @Nullable [], byte[]> next);

  /**
   * {@code HSCAN}: the fields from {@code cursor} on, with their values. A small hash (Redis's listpack) gives all
   * of them at once and cursor 0, as Redis does; a larger one about {@code count} (more where several share a
   * hash), reading only the slots it returns. Every field present from the first step to the last is returned
   * exactly once, whatever writes and resizes come between.
   */
  Step scan(String key, long cursor, int count);

  /**
   * {@code HRANDFIELD key count [WITHVALUES]}: {@code count} distinct random fields (all if fewer), or
   * {@code -count} fields that may repeat if {@code count} is negative, each followed by its value if
   * {@code withValues}; {@code null} if their bytes would pass {@code maxBytes}.
   */
  @Nullable List<byte[]> random(String key, long count, boolean withValues, long maxBytes);

  /** {@code HRANDFIELD key}: one random field, or {@code null} for an absent key. */
  byte @Nullable [] randomField(String key);

  /**
   * {@code CONFIG SET hash-max-listpack-entries} and {@code -value}: the most fields, and the longest field or
   * value, of a hash kept in the compact layout (Redis's {@code listpack}) from now on; a hash past them becomes a
   * table for good. Redis's defaults, 128 and 64, until set.
   */
  void compactBounds(long maxEntries, long maxBytes);
}
