package io.blinkstore;

import io.blinkstore.internal.SingleFlight;
import org.jspecify.annotations.Nullable;

/**
 * {@code getOrLoad}: a miss runs the loader outside any Caffeine lock, once per key at a time
 * ({@link SingleFlight}), and stores what it returns.
 */
final class LoadThrough {
  /** The three steps of a load, each one operation of the store. */
  interface Target {
    byte @Nullable [] get(String key);

    /** A copy of the live value of a valid key, or {@code null}, counting neither a hit nor a miss. */
    byte @Nullable [] peek(String key);

    /** Stores a loaded value: {@code ttlNanos} 0 for ever. */
    void store(String key, byte[] value, long ttlNanos);
  }

  private final Target store;
  private final SingleFlight loads;

  LoadThrough(Target store, SingleFlight loads) {
    this.store = store;
    this.loads = loads;
  }

  /** Gets or loads; {@code ttlNanos} 0 stores the loaded value without a time to live. */
  byte @Nullable [] load(String key, long ttlNanos, BlinkStore.Loader loader) {
    byte[] value = store.get(key);
    if (value != null) {
      return value;
    }
    byte[] loaded = loads.run(key, k -> {
      // A load that finished between our miss and our turn has filled the key already.
      byte[] present = store.peek(k);
      return present != null ? present : loadAndStore(k, ttlNanos, loader);
    });
    return loaded == null ? null : loaded.clone();
  }

  private byte @Nullable [] loadAndStore(String key, long ttlNanos, BlinkStore.Loader loader) {
    byte[] value;
    try {
      value = loader.load(key);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BlinkException("the loader of key " + key + " failed: " + e, e);
    }
    if (value != null) {
      store.store(key, value, ttlNanos);
    }
    return value;
  }
}
