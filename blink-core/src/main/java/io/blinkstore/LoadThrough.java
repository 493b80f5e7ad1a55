package io.blinkstore;

import io.blinkstore.internal.SingleFlight;

/**
 * {@code getOrLoad}: a miss runs the loader outside any Caffeine lock, once per key at a time
 * ({@link SingleFlight}), and stores what it returns.
 */
final class LoadThrough {
  private final CaffeineBlinkStore store;
  private final SingleFlight loads = new SingleFlight();

  LoadThrough(CaffeineBlinkStore store) {
    this.store = store;
  }

  /** Gets or loads; {@code ttlNanos} 0 stores the loaded value without a time to live. */
  byte[] load(String key, long ttlNanos, BlinkStore.Loader loader) {
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

  private byte[] loadAndStore(String key, long ttlNanos, BlinkStore.Loader loader) {
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
