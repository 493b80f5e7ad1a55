package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkClient}'s commands over one protocol: the asynchronous commands, and the cross-process half of
 * {@link BlinkStore#getOrLoad} (the client runs its own single-flight before it).
 */
interface Transport extends BlinkAsyncCommands {
  /**
   * Returns the value of {@code key}, loading it with {@code loader} and storing it for {@code ttlMillis} (0:
   * for ever) if absent; null if the loader returned null. Runs on the caller's thread; the key and loader are
   * already checked.
   */
  byte @Nullable [] load(String key, long ttlMillis, BlinkStore.Loader loader);

  /**
   * The list of {@code key} over this protocol ({@link BlinkStore#list}).
   *
   * @throws UnsupportedOperationException if the protocol has no list commands
   */
  io.blinkstore.BlinkList list(String key);

  /** @throws IllegalStateException if the client is closed */
  void ensureOpen();

  /** Closes every connection; commands not yet answered fail. Idempotent. */
  void close();
}
