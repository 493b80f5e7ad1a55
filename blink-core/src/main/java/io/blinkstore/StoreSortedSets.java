package io.blinkstore;

import io.blinkstore.internal.SortedSets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@link SortedSets} of an {@link IsolatedStore}: each call one {@link TypedWrite} or one read of a
 * {@link ZSetValue} through the store's typed entry points, so it is atomic, re-weighed, refused past the limit
 * without a change, and marks the key's watchers. The structure is {@link ZSetValue}'s; the commands' semantics are
 * the server's.
 */
final class StoreSortedSets implements SortedSets {
  private final IsolatedStore store;
  /** Shared by the store's two instances ({@link IsolatedStore#view()}): set on either, read by both. */
  private final AtomicReference<HashValue.Compact> bounds;

  StoreSortedSets(IsolatedStore store, AtomicReference<HashValue.Compact> bounds) {
    this.store = store;
    this.bounds = bounds;
  }

  @Override
  public void compactBounds(long maxEntries, long maxBytes) {
    bounds.set(new HashValue.Compact(maxEntries, maxBytes));
  }

  @Override
  public boolean readInput(String key, Visitor visitor) {
    return store.read(key, TypedValue.class, value -> {
      if (value instanceof ZSetValue set) {
        set.walk(0, false, visitor);
      } else if (value instanceof SetValue set) {
        set.forEach(member -> visitor.visit(member, 1));
      } else {
        throw new WrongTypeException(key, value.type());
      }
      return true;
    }, false);
  }

  @Override
  public double inputScore(String key, byte[] member) {
    return store.read(key, TypedValue.class, value -> {
      if (value instanceof ZSetValue set) {
        return set.score(member);
      }
      if (value instanceof SetValue set) {
        return set.contains(member) ? 1.0 : Double.NaN;
      }
      throw new WrongTypeException(key, value.type());
    }, Double.NaN);
  }

  @Override
  public <R> R read(String key, Function<Members, R> reader, R absent) {
    return store.read(key, ZSetValue.class, reader, absent);
  }

  @Override
  public <R> R update(String key, boolean create, long growBytes, long growMembers, Function<Members, R> change,
      R absent, Predicate<? super R> modified) {
    HashValue.Compact compact = Objects.requireNonNull(bounds.get());
    return store.update(key, new TypedWrite<>(ZSetValue.class, create ? ZSetValue::new : null, growBytes,
        growMembers, set -> {
          set.bounds(compact);
          return change.apply(set);
        }, absent, modified));
  }
}
