package io.blinkstore;

import static io.blinkstore.StoreArguments.validate;

import io.blinkstore.internal.Deadlines;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Deadlines} of a {@link CaffeineBlinkStore}: its entries' own deadlines ({@link Expiring#deadline}, on
 * its expiry clock) set and read as they are, never through a time left, so that what is set is what is read back.
 */
final class StoreDeadlines implements Deadlines {
  private final CaffeineBlinkStore store;

  StoreDeadlines(CaffeineBlinkStore store) {
    this.store = store;
  }

  @Override
  public long now() {
    return store.now();
  }

  @Override
  public long deadline(String key) {
    store.ensureOpen();
    validate(key);
    Key stored = store.policy.getIfPresentQuietly(Key.lookup(key));
    if (stored == null) {
      return ABSENT;
    }
    if (!(stored.ref instanceof Expiring holder)) {
      return NEVER;
    }
    if (holder.isLive(now())) {
      return holder.deadline;
    }
    store.removeExpired(holder);
    return ABSENT;
  }

  /** {@link BlinkStore#ttl}: the time left, {@link BlinkStore#NO_EXPIRY}, or {@code null} for an absent key. */
  @Nullable Duration ttl(String key) {
    long deadline = deadline(key);
    return deadline == ABSENT ? null : deadline == NEVER ? BlinkStore.NO_EXPIRY : Duration.ofNanos(Math.max(1, deadline - now()));
  }

  @Override
  public boolean expireAt(String key, long deadline, Condition condition) {
    Objects.requireNonNull(condition, "condition");
    store.ensureOpen();
    validate(key);
    return store.ttlChange.expireAt(key, deadline, condition);
  }

  @Override
  public void setUntil(String key, byte[] value, long deadline) {
    Objects.requireNonNull(value, "value");
    store.ensureOpen();
    store.write(key, validate(key), value, deadline);
  }

  @Override
  public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
    Objects.requireNonNull(value, "value");
    store.ensureOpen();
    byte[] packed = store.pack(key, validate(key), value);
    boolean expires = deadline != NEVER;
    Object stored = expires ? store.expiry.holderUntil(packed, deadline, false) : packed;
    return ConditionalPut.run(store, stored, expires);
  }
}
