package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@link Deadlines} over a store that has none of its own (a server given a {@code BlinkClient} or
 * {@code BlinkRedis}): deadlines on {@link System#nanoTime()}, turned into times left when set and back when read, so
 * not exact, and a condition is read, then the time set, not in one step.
 */
final class RelativeDeadlines implements Deadlines {
  private final BlinkStore store;

  RelativeDeadlines(BlinkStore store) {
    this.store = store;
  }

  @Override
  public long now() {
    return System.nanoTime();
  }

  @Override
  public long deadline(String key) {
    return deadline(store.ttl(key));
  }

  private long deadline(@Nullable Duration left) {
    if (left == null) {
      return ABSENT;
    }
    return left.equals(BlinkStore.NO_EXPIRY) ? NEVER : now() + left.toNanos();
  }

  @Override
  public boolean expireAt(String key, long deadline, Condition condition) {
    long current = deadline(key);
    if (current == ABSENT || !condition.allows(current, deadline)) {
      return false;
    }
    long left = deadline - now();
    return left > 0 ? store.expire(key, Duration.ofNanos(left)) : store.delete(key);
  }

  @Override
  public void setUntil(String key, byte[] value, long deadline) {
    if (deadline == NEVER) {
      store.set(key, value);
    } else {
      store.set(key, value, Duration.ofNanos(Math.max(1, deadline - now())));
    }
  }

  @Override
  public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
    return deadline == NEVER
        ? store.setIfAbsent(key, value)
        : store.setIfAbsent(key, value, Duration.ofNanos(Math.max(1, deadline - now())));
  }
}
