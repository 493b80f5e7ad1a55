package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.NotAnIntegerException;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The RESP time-to-live and counter commands: {@code EXPIRE}, {@code PEXPIRE}, {@code EXPIREAT},
 * {@code PEXPIREAT}, {@code TTL}, {@code PTTL}, {@code EXPIRETIME}, {@code PEXPIRETIME}, {@code PERSIST},
 * {@code INCR}, {@code DECR}, {@code INCRBY} and {@code DECRBY}, with Redis 7's replies and errors. Deadlines are
 * the store's own ({@link Deadlines}), set and read through {@link UnixTime}: a Unix time set is the one read back,
 * and every deadline set falls on a whole millisecond, as Redis's do.
 *
 * <p>As in Redis, {@code EXPIRE} with a time of zero or less (or {@code EXPIREAT} a time past) deletes the key (replying 1 if it was there); the
 * text protocol's {@code EXPIRE} refuses such a time instead. {@code EXPIRE}'s {@code NX}/{@code XX}/{@code GT}/
 * {@code LT} are checked and the deadline set in one step under the key's lock ({@link Deadlines#expireAt}).
 */
final class RespTtlCommands {
  static final Result.Error OVERFLOW = Result.error("increment or decrement would overflow");
  static final Result.Error DECREMENT_OVERFLOW = Result.error("decrement would overflow");

  private static final Result.Int ZERO = new Result.Int(0);
  private static final Result.Int ONE = new Result.Int(1);
  private static final Set<String> CONDITIONS = Set.of("nx", "xx", "gt", "lt");
  private static final long MAX_TTL_MILLIS = BlinkStore.MAX_TTL.toMillis();

  private final BlinkStore store;
  private final Deadlines deadlines;
  private final UnixTime time;

  /** The commands on {@code store}, whose deadlines {@code time} reads and sets. */
  <S extends BlinkStore & Deadlines> RespTtlCommands(S store, UnixTime time) {
    this.store = store;
    this.deadlines = store;
    this.time = time;
  }

  void register(CommandTable commands) {
    commands.add("expire", -3, Keys.ONE, (client, args) -> expire(client, args, true, false), WRITE, FAST);
    commands.add("pexpire", -3, Keys.ONE, (client, args) -> expire(client, args, false, false), WRITE, FAST);
    commands.add("expireat", -3, Keys.ONE, (client, args) -> expire(client, args, true, true), WRITE, FAST);
    commands.add("pexpireat", -3, Keys.ONE, (client, args) -> expire(client, args, false, true), WRITE, FAST);
    commands.add("ttl", 2, Keys.ONE, (client, args) -> ttl(client, args, false, false), READONLY, FAST);
    commands.add("pttl", 2, Keys.ONE, (client, args) -> ttl(client, args, true, false), READONLY, FAST);
    commands.add("expiretime", 2, Keys.ONE, (client, args) -> ttl(client, args, false, true), READONLY, FAST);
    commands.add("pexpiretime", 2, Keys.ONE, (client, args) -> ttl(client, args, true, true), READONLY, FAST);
    commands.add("persist", 2, Keys.ONE, this::persist, WRITE, FAST);
    commands.add("incr", 2, Keys.ONE, (client, args) -> incrementBy(client, args[1], 1), WRITE, DENYOOM, FAST);
    commands.add("decr", 2, Keys.ONE, (client, args) -> incrementBy(client, args[1], -1), WRITE, DENYOOM, FAST);
    commands.add("incrby", 3, Keys.ONE, (client, args) -> incrementBy(client, args, false), WRITE, DENYOOM, FAST);
    commands.add("decrby", 3, Keys.ONE, (client, args) -> incrementBy(client, args, true), WRITE, DENYOOM, FAST);
  }

  /**
   * {@code EXPIRE key seconds [NX|XX|GT|LT]}, {@code PEXPIRE key milliseconds [...]}, and with {@code absolute}
   * {@code EXPIREAT key unix-seconds [...]}, {@code PEXPIREAT key unix-milliseconds [...]}: 1 if the key's time to
   * live was set (or the key deleted, for a time not in the future), 0 if the key is absent or the condition
   * failed. A time to live past {@link BlinkStore#MAX_TTL} is refused as Redis refuses an overflowing time.
   */
  private Result expire(ClientState client, byte[][] args, boolean inSeconds, boolean absolute) {
    Set<String> conditions = new HashSet<>();
    for (int i = 3; i < args.length; i++) {
      String condition = Arguments.lowerCase(args[i]);
      if (!CONDITIONS.contains(condition)) {
        return Result.error("Unsupported option " + Arguments.text(args[i]));
      }
      conditions.add(condition);
    }
    if (conditions.contains("nx") && conditions.size() > 1) {
      return Result.error("NX and XX, GT or LT options at the same time are not compatible");
    }
    if (conditions.contains("gt") && conditions.contains("lt")) {
      return Result.error("GT and LT options at the same time are not compatible");
    }
    Long amount = Arguments.integer(args[2]);
    if (amount == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (inSeconds && (amount > Long.MAX_VALUE / 1000 || amount < Long.MIN_VALUE / 1000)) {
      return SetOptions.invalidExpireTime(Arguments.lowerCase(args[0]));
    }
    long millis = inSeconds ? amount * 1000 : amount;
    long now = time.nowMillis();
    long ttlMillis = absolute ? (millis <= now ? 0 : millis - now) : millis;
    if (ttlMillis > MAX_TTL_MILLIS) {
      return SetOptions.invalidExpireTime(Arguments.lowerCase(args[0]));
    }
    // A time past becomes now, which deletes the key: now + a negative time to live could overflow.
    long deadline = time.deadline(ttlMillis <= 0 ? now : now + ttlMillis);
    if (!deadlines.expireAt(client.key(args[1]), deadline, condition(conditions))) {
      return ZERO;
    }
    client.notifyKeyspace(KeyspaceEvents.GENERIC, ttlMillis <= 0 ? "del" : "expire", args[1]);
    return ONE;
  }

  /**
   * The one condition {@code NX}, {@code XX}, {@code GT} and {@code LT} given together amount to (their
   * incompatible pairs refused before): {@code XX GT} is {@code GT}, which a key without expiry never meets.
   */
  static Deadlines.Condition condition(Set<String> conditions) {
    boolean xx = conditions.contains("xx");
    if (conditions.contains("nx")) {
      return Deadlines.Condition.NX;
    } else if (conditions.contains("gt")) {
      return Deadlines.Condition.GT;
    } else if (conditions.contains("lt")) {
      return xx ? Deadlines.Condition.XX_LT : Deadlines.Condition.LT;
    }
    return xx ? Deadlines.Condition.XX : Deadlines.Condition.ALWAYS;
  }

  /**
   * {@code TTL key}, {@code PTTL key}: -2 if absent, -1 if it never expires, else the time left; with
   * {@code absolute}, {@code EXPIRETIME}/{@code PEXPIRETIME}: the Unix time of expiry instead of the time left.
   */
  private Result ttl(ClientState client, byte[][] args, boolean inMillis, boolean absolute) {
    if (absolute) {
      return expireTime(client.key(args[1]), inMillis);
    }
    Duration left = store.ttl(client.key(args[1]));
    return new Result.Int(left == null ? -2 : timeLeft(left, inMillis));
  }

  /**
   * {@code EXPIRETIME}, {@code PEXPIRETIME}: the key's deadline as a Unix time, exactly the one set; seconds
   * rounded to the nearest, as Redis's.
   */
  private Result expireTime(String key, boolean inMillis) {
    long deadline = deadlines.deadline(key);
    if (deadline == Deadlines.ABSENT || deadline == Deadlines.NEVER) {
      return new Result.Int(deadline == Deadlines.ABSENT ? -2 : -1);
    }
    long millis = time.unixMillis(deadline);
    return new Result.Int(inMillis ? millis : (millis + 500) / 1000);
  }

  /** {@code PERSIST key}: 1 if the key had a time to live (now removed), else 0. */
  private Result persist(ClientState client, byte[][] args) {
    if (!store.persist(client.key(args[1]))) {
      return ZERO;
    }
    client.notifyKeyspace(KeyspaceEvents.GENERIC, "persist", args[1]);
    return ONE;
  }

  /** {@code INCRBY key delta}, {@code DECRBY key delta}. */
  private Result incrementBy(ClientState client, byte[][] args, boolean negate) {
    Long delta = Arguments.integer(args[2]);
    if (delta == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (negate && delta == Long.MIN_VALUE) {
      return DECREMENT_OVERFLOW;
    }
    return incrementBy(client, args[1], negate ? -delta : delta);
  }

  private Result incrementBy(ClientState client, byte[] keyBytes, long delta) {
    try {
      Result value = new Result.Int(store.incrementBy(client.key(keyBytes), delta));
      client.notifyKeyspace(KeyspaceEvents.STRING, "incrby", keyBytes);
      return value;
    } catch (NotAnIntegerException e) {
      return RespKeyCommands.NOT_AN_INTEGER;
    } catch (ArithmeticException e) {
      return OVERFLOW;
    }
  }

  /**
   * Returns {@code -1} for {@link BlinkStore#NO_EXPIRY}, else the time {@code left}: milliseconds rounded up (a
   * live entry never shows 0), or those milliseconds in seconds rounded to the nearest, as Redis's {@code TTL}
   * does with its whole milliseconds: {@code PX 1500} read back within the millisecond is 2 s (issue 23's B3).
   */
  static long timeLeft(Duration left, boolean inMillis) {
    if (left.equals(BlinkStore.NO_EXPIRY)) {
      return -1;
    }
    long millis = ceilMillis(left);
    return inMillis ? millis : (millis + 500) / 1000;
  }

  /** A time left in whole milliseconds, rounded up: what Redis's millisecond deadlines show. */
  private static long ceilMillis(Duration left) {
    return left.plusNanos(999_999).toMillis();
  }
}
