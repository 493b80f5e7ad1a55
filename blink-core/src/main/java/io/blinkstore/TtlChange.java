package io.blinkstore;

import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code expire} and {@code persist}: a present, live entry gets a new ref (a new holder, or its bare array),
 * decided under the key's lock; an expired one is removed instead. Then the books are settled.
 */
final class TtlChange {
  private final CaffeineBlinkStore store;

  TtlChange(CaffeineBlinkStore store) {
    this.store = store;
  }

  /** Gives a live entry a time to live of {@code nanos}; whether it was there. */
  boolean expire(String key, long nanos) {
    Expiring[] created = new Expiring[1];
    // A pinned lock given a new time to live (a lock extended) stays pinned: its bytes are already in the share.
    Replaced replaced = replaceLive(key, (ref, packed) ->
        created[0] = store.expiry.newHolder(packed, nanos, ref instanceof Expiring holder && holder.pinned));
    afterCompute(replaced.ref, replaced.wasLive, created[0]);
    return created[0] != null;
  }

  /** Removes a live entry's time to live; whether it had one. */
  boolean persist(String key) {
    Replaced replaced = replaceLive(key, (ref, packed) -> packed);
    afterCompute(replaced.ref, replaced.wasLive, null);
    return replaced.wasLive && replaced.ref instanceof Expiring;
  }

  /** What {@link #replaceLive} found: the ref it replaced or removed (null if absent), and whether it was live. */
  private record Replaced(@Nullable Object ref, boolean wasLive) {}

  /**
   * Gives a present key's entry the ref {@code next} makes of its ref and packed array, if it is live; removes it
   * if it has expired. Decided under the key's lock; the caller settles the books ({@link #afterCompute}).
   */
  private Replaced replaceLive(String key, BiFunction<Object, byte[], Object> next) {
    Object[] replaced = new Object[1];
    boolean[] wasLive = new boolean[1];
    store.map.computeIfPresent(Key.lookup(key), (k, stored) -> {
      Object ref = stored.ref;
      replaced[0] = ref;
      byte[] packed = store.liveValue(ref);
      wasLive[0] = packed != null;
      if (packed == null) {
        store.counts.keyOut(ref);
        return null;
      }
      stored.ref = next.apply(ref, packed);
      return stored;
    });
    return new Replaced(replaced[0], wasLive[0]);
  }

  /**
   * Settles the books after a {@code compute} that replaced {@code replaced} (if not null) by a live value or by
   * nothing, creating the holder {@code created} (if not null): an expired value found there leaves the count,
   * and the index follows the map; a pinned lock that lost its pin gives its share back. {@code wasLive} is what
   * the compute saw: the clock read again here may have passed a deadline the compute found unexpired, whose
   * bytes it stored again.
   */
  private void afterCompute(@Nullable Object replaced, boolean wasLive, @Nullable Expiring created) {
    if (created != null) {
      store.expiry.track(created);
    }
    if (replaced == null) {
      return;
    }
    if (!wasLive) {
      store.released(replaced);
      store.countExpiration();
    } else if (replaced instanceof Expiring holder) {
      store.expiry.unindex(holder);
      if (holder.pinned && (created == null || !created.pinned)) {
        store.pins.unpin(Key.weight(holder.packed));
      }
    }
  }
}
