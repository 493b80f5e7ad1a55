package io.blinkstore;

import io.blinkstore.internal.Hashes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Hashes} of an {@link IsolatedStore}: each operation one {@link TypedWrite} or one read of a
 * {@link HashValue} through the store's typed entry points, so it is atomic, re-weighed, refused past the limit
 * without a change, and marks the key's watchers. Writes are described here; the table is {@link HashValue}'s;
 * {@code HSCAN} and {@code HRANDFIELD} are {@link HashReads}'.
 */
final class StoreHashes implements Hashes {
  /** A read's answer for "no value": a sentinel, compared by identity, never handed out. */
  private static final byte[] NO_VALUE = new byte[0];

  private final IsolatedStore store;
  /** Shared by the store's two instances ({@link IsolatedStore#view()}): set on either, read by both. */
  private final AtomicReference<HashValue.Compact> bounds;

  StoreHashes(IsolatedStore store, AtomicReference<HashValue.Compact> bounds) {
    this.store = store;
    this.bounds = bounds;
  }

  @Override
  public void compactBounds(long maxEntries, long maxBytes) {
    bounds.set(new HashValue.Compact(maxEntries, maxBytes));
  }

  @Override
  public long set(String key, byte[][] args, int from) {
    HashValue.Compact compact = Objects.requireNonNull(bounds.get());
    long grow = 0;
    for (int i = from; i < args.length; i++) {
      grow += args[i].length;
    }
    return store.update(key, new TypedWrite<>(HashValue.class, HashValue::new, grow, (args.length - from) / 2,
        hash -> {
          long added = 0;
          for (int i = from; i + 1 < args.length; i += 2) {
            added += hash.put(args[i], args[i + 1], compact) ? 1 : 0;
          }
          return added;
        }, 0L, added -> true));
  }

  @Override
  public boolean setIfAbsent(String key, byte[] field, byte[] value) {
    HashValue.Compact compact = Objects.requireNonNull(bounds.get());
    return store.update(key, new TypedWrite<>(HashValue.class, HashValue::new, field.length + value.length, 1,
        hash -> hash.entry(field) == null && hash.put(field, value, compact), false, added -> added));
  }

  @Override
  public byte @Nullable [] get(String key, byte[] field) {
    byte[] value = store.read(key, HashValue.class, hash -> {
      byte[] entry = hash.entry(field);
      return entry == null ? NO_VALUE : HashEntries.value(entry);
    }, NO_VALUE);
    return value == NO_VALUE ? null : value;
  }

  @Override
  public List<byte @Nullable []> getEach(String key, byte[][] args, int from) {
    List<byte @Nullable []> absent = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      absent.add(null);
    }
    return store.read(key, HashValue.class, hash -> {
      List<byte @Nullable []> values = new ArrayList<>(args.length - from);
      for (int i = from; i < args.length; i++) {
        byte[] entry = hash.entry(args[i]);
        values.add(entry == null ? null : HashEntries.value(entry));
      }
      return values;
    }, absent);
  }

  @Override
  public long delete(String key, byte[][] args, int from) {
    return store.update(key, new TypedWrite<>(HashValue.class, null, 0, 0, hash -> {
      long removed = 0;
      for (int i = from; i < args.length; i++) {
        removed += hash.remove(args[i]) ? 1 : 0;
      }
      return removed;
    }, 0L, removed -> removed > 0));
  }

  @Override
  public boolean contains(String key, byte[] field) {
    return store.read(key, HashValue.class, hash -> hash.entry(field) != null, false);
  }

  @Override
  public long size(String key) {
    return store.read(key, HashValue.class, HashValue::elements, 0L);
  }

  @Override
  public long valueLength(String key, byte[] field) {
    return store.read(key, HashValue.class, hash -> {
      byte[] entry = hash.entry(field);
      return entry == null ? 0L : HashEntries.valueLength(entry);
    }, 0L);
  }

  @Override
  public @Nullable List<byte[]> entries(String key, boolean fields, boolean values, long maxBytes) {
    return store.read(key, HashValue.class, hash -> HashReads.entries(hash, fields, values, maxBytes), List.of());
  }

  @Override
  public byte[] compute(String key, byte[] field, int maxValueBytes, Function<byte @Nullable [], byte[]> next) {
    Objects.requireNonNull(next, "next");
    HashValue.Compact compact = Objects.requireNonNull(bounds.get());
    return store.update(key, new TypedWrite<>(HashValue.class, HashValue::new, field.length + maxValueBytes, 1,
        hash -> {
          byte[] entry = hash.entry(field);
          byte[] value = next.apply(entry == null ? null : HashEntries.value(entry));
          if (value.length > maxValueBytes) {
            throw new IllegalStateException(value.length + " bytes made, at most " + maxValueBytes + " allowed");
          }
          hash.put(field, value, compact);
          return value;
        }, new byte[0], value -> true));
  }

  @Override
  public Step scan(String key, long cursor, int count) {
    return store.read(key, HashValue.class, hash -> HashReads.scan(hash, cursor, count), new Step(0, List.of()));
  }

  @Override
  public @Nullable List<byte[]> random(String key, long count, boolean withValues, long maxBytes) {
    return store.read(key, HashValue.class, hash -> HashReads.random(hash, count, withValues, maxBytes), List.of());
  }

  @Override
  public byte @Nullable [] randomField(String key) {
    byte[] field = store.read(key, HashValue.class, hash -> {
      List<byte[]> one = HashReads.random(hash, 1, false, Long.MAX_VALUE);
      return one == null || one.isEmpty() ? NO_VALUE : one.get(0);
    }, NO_VALUE);
    return field == NO_VALUE ? null : field;
  }
}
