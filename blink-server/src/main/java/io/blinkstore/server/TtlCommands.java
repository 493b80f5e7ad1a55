package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.NotAnIntegerException;
import java.time.Duration;

/** Executes the time-to-live and counter extensions against a {@link BlinkStore}; part of {@link CommandExecutor}. */
final class TtlCommands {
  static final Reply.Error NOT_AN_INTEGER = new Reply.Error(ExtensionParser.NOT_AN_INTEGER);
  static final Reply.Error OVERFLOW = new Reply.Error("increment or decrement would overflow");

  private final BlinkStore store;

  TtlCommands(BlinkStore store) {
    this.store = store;
  }

  /**
   * Returns the reply to {@code command}.
   *
   * @throws io.blinkstore.EntryTooLargeException if a write cannot fit even in an empty store
   */
  Reply execute(Command.TtlOrCounter command) {
    if (command instanceof Command.SetWithTtl set) {
      store.set(set.key(), set.value(), set.ttl());
      return Reply.Status.OK;
    }
    if (command instanceof Command.Expire expire) {
      return found(store.expire(expire.key(), expire.ttl()));
    }
    if (command instanceof Command.Persist persist) {
      return found(store.persist(persist.key()));
    }
    if (command instanceof Command.Ttl ttl) {
      return timeToLive(store.ttl(ttl.key()), ttl.inMillis());
    }
    Command.IncrementBy increment = (Command.IncrementBy) command;
    try {
      return new Reply.Counter(store.incrementBy(increment.key(), increment.delta()));
    } catch (NotAnIntegerException e) {
      return NOT_AN_INTEGER;
    } catch (ArithmeticException e) {
      return OVERFLOW;
    }
  }

  private static Reply found(boolean found) {
    return found ? Reply.Status.OK : Reply.Status.NOT_FOUND;
  }

  /** {@code NOT_FOUND}, or the time left as {@link #timeLeft} gives it. */
  private static Reply timeToLive(Duration left, boolean inMillis) {
    return left == null ? Reply.Status.NOT_FOUND : new Reply.TimeToLive(inMillis, timeLeft(left, inMillis));
  }

  /**
   * Returns {@code -1} for {@link BlinkStore#NO_EXPIRY}, else the time {@code left}: milliseconds rounded up (a
   * live entry never shows 0), or seconds rounded to the nearest, as Redis's {@code TTL} does. Shared with RESP.
   */
  static long timeLeft(Duration left, boolean inMillis) {
    if (left.equals(BlinkStore.NO_EXPIRY)) {
      return -1;
    }
    return inMillis ? left.plusNanos(999_999).toMillis() : (left.toMillis() + 500) / 1000;
  }
}
