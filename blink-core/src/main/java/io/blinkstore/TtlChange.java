package io.blinkstore;

import io.blinkstore.internal.Deadlines;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code expire}, {@code expireAt} and {@code persist}: a present, live entry gets a new ref (a new holder, or its
 * bare array) or is removed, decided under the key's lock together with any condition on its current deadline; an
 * expired one is removed instead. Then the books are settled.
 */
final class TtlChange {
  private final CaffeineBlinkStore store;

  TtlChange(CaffeineBlinkStore store) {
    this.store = store;
  }

  /**
   * Gives a live entry the deadline {@code deadline} if its current one meets {@code condition}; a deadline not
   * after now removes it. Whether it was live and met the condition.
   */
  boolean expireAt(String key, long deadline, Deadlines.Condition condition) {
    Expiring[] created = new Expiring[1];
    boolean[] changed = new boolean[1];
    // A pinned lock given a new time to live (a lock extended) stays pinned: its bytes are already in the share.
    Replaced replaced = replaceLive(key, (ref, bare) -> {
      if (!condition.allows(deadlineOf(ref), deadline)) {
        return ref;
      }
      changed[0] = true;
      if (deadline <= store.expiry.now()) {
        return null;
      }
      return created[0] =
          store.expiry.holderUntil(bare, deadline, ref instanceof Expiring holder && holder.pinned);
    });
    if (changed[0] && created[0] == null) {
      // deleted for a deadline past: its bytes, index entry and pin go (changed: the compute found a live ref)
      store.released(Objects.requireNonNull(replaced.ref));
    } else if (changed[0] || !replaced.wasLive) {
      afterCompute(replaced.ref, replaced.wasLive, created[0]);
    }
    return changed[0];
  }

  private static long deadlineOf(Object ref) {
    return ref instanceof Expiring holder ? holder.deadline : Deadlines.NEVER;
  }

  /** Removes a live entry's time to live; whether it had one. */
  boolean persist(String key) {
    Replaced replaced = replaceLive(key, (ref, bare) -> bare);
    afterCompute(replaced.ref, replaced.wasLive, null);
    return replaced.wasLive && replaced.ref instanceof Expiring;
  }

  /** What {@link #replaceLive} found: the ref it replaced or removed (null if absent), and whether it was live. */
  private record Replaced(@Nullable Object ref, boolean wasLive) {}

  /**
   * Gives a present key's entry the ref {@code next} makes of its ref and bare value (a string's packed array or a
   * typed value: {@link Key#bare}), if it is live (the same ref:
   * left as it is; {@code null}: removed); removes it if it has expired. Decided under the key's lock; the caller
   * settles the books ({@link #afterCompute}).
   */
  private Replaced replaceLive(String key, BiFunction<Object, Object, @Nullable Object> next) {
    Object[] replaced = new Object[1];
    boolean[] wasLive = new boolean[1];
    store.map.computeIfPresent(Key.lookup(key), (k, stored) -> {
      Object ref = stored.ref;
      replaced[0] = ref;
      wasLive[0] = store.isLive(ref);
      Object updated = wasLive[0] ? next.apply(ref, Key.bare(ref)) : null;
      if (updated == null) {
        store.counts.keyOut(ref);
        return null;
      }
      stored.ref = updated;
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
