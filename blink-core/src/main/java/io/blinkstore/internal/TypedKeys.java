package io.blinkstore.internal;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Not API: what blink-server's generic commands need to see keys of every type (strings, hashes, lists) in the
 * in-process store: {@code TYPE} and {@code SCAN ... TYPE}, {@code OBJECT ENCODING}, the copy that {@code COPY},
 * {@code RENAME} and {@code MOVE} make of a typed value, and the hook that wakes clients blocked on a list. The
 * store built by {@code BlinkStore.builder()} is a {@link Source} of one (its {@linkplain Isolation#view() view}
 * too); each method holds the store's gate as its other operations do. Keys are the store's keys (namespaced).
 */
public interface TypedKeys {
  /** What gives {@link TypedKeys}: the in-process store and its view. */
  interface Source {
    TypedKeys typedKeys();
  }

  /**
   * The type of the live value of {@code key} as Redis's {@code TYPE} names it ({@code "string"}, {@code "hash"},
   * {@code "list"}), or {@code null} if it has none. Counts no hit or miss.
   */
  @Nullable String type(String key);

  /** Redis's {@code OBJECT ENCODING} of the live typed value of {@code key}; {@code null} for a string or none. */
  @Nullable String encoding(String key);

  /**
   * Stores a deep copy of the live hash or list of {@code from}, with its deadline, under {@code to} if {@code to}
   * has no live value, and marks the watchers of {@code to}.
   *
   * @return whether it did: not if {@code to} has a live value, nor if {@code from} holds no hash or list
   * @throws io.blinkstore.EntryTooLargeException if the copy does not fit in the store's limit or heap capacity
   */
  boolean copy(String from, String to);

  /**
   * Makes {@code listener} the one told of every write of a hash or list, by any path (either protocol, in-process
   * callers, {@link #copy}): it is given the store key after the write has committed and the key's lock is released,
   * on the writing thread, possibly with the store's gate held (inside an {@code EXEC}). It must be quick and must
   * not call the store (hand the key to another thread or an event loop instead). Replaces any earlier listener.
   */
  void onWrite(Consumer<String> listener);
}
