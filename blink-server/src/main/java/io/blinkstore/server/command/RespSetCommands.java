package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The RESP writes of one key with options: {@code SET}, {@code SETNX}, {@code SETEX}, {@code PSETEX} and
 * {@code GETEX}, with their options parsed by {@link SetOptions}.
 *
 * <p><b>Atomicity.</b> {@code SET ... NX} and {@code SETNX} are one atomic step ({@link BlinkStore#setIfAbsent}),
 * so the lock idiom {@code SET lock token NX PX ms} holds: of racing clients, exactly one gets {@code +OK}. What
 * else reads the key first reads, then writes, and a concurrent writer of the same key may come between the two:
 * {@code XX}, {@code GET} (the read counts as a hit or miss; with {@code NX} too), {@code KEEPTTL} (the deadline
 * is read, then the value written with it) and {@code GETEX}.
 */
final class RespSetCommands {
  private final BlinkStore store;
  private final Deadlines deadlines;
  private final UnixTime time;

  /**
   * The commands on {@code store}, whose deadlines {@code time} sets: {@code EXAT}/{@code PXAT} {@code T} is
   * {@code PEXPIRETIME} {@code T} exactly.
   */
  <S extends BlinkStore & Deadlines> RespSetCommands(S store, UnixTime time) {
    this.store = store;
    this.deadlines = store;
    this.time = time;
  }

  void register(CommandTable commands) {
    commands.add("set", -3, Keys.ONE, this::set, WRITE, DENYOOM);
    commands.add("setnx", 3, Keys.ONE, this::setIfAbsent, WRITE, DENYOOM, FAST);
    commands.add("setex", 4, Keys.ONE, (client, args) -> setWithTtl(client, args, "ex"), WRITE, DENYOOM);
    commands.add("psetex", 4, Keys.ONE, (client, args) -> setWithTtl(client, args, "px"), WRITE, DENYOOM);
    commands.add("getex", -2, Keys.ONE, this::getex, WRITE, FAST);
  }

  private Result set(ClientState client, byte[][] args) {
    if (args.length == 3) {
      // The common SET, without options: nothing to parse, and no need to read the wall clock.
      store.set(client.key(args[1]), args[2]);
      return Result.OK;
    }
    long now = time.nowMillis();
    return set(client, args[1], args[2], SetOptions.parse(args, 3, false, now), now);
  }

  /** {@code SETEX key seconds value}, {@code PSETEX key milliseconds value}: {@code SET key value EX|PX time}. */
  private Result setWithTtl(ClientState client, byte[][] args, String expiry) {
    long now = time.nowMillis();
    return set(client, args[1], args[3],
        SetOptions.timed(args[2], expiry, Arguments.lowerCase(args[0]), now), now);
  }

  /** Runs {@code SET} with {@code options}, whose times to live count from the Unix time {@code now}. */
  private Result set(ClientState client, byte[] keyBytes, byte[] value, SetOptions options, long now) {
    if (options.refusal() != null) {
      return options.refusal();
    }
    String key = client.key(keyBytes);
    if (options.ifAbsent() && !options.returnOld() && !options.expiredAtOnce()) {
      // KEEPTTL means nothing here: the value is only written where there is no key to keep a time of.
      return setIfAbsent(key, value, deadline(options.ttl(), now)) ? Result.OK : Result.NULL;
    }
    byte[] old = options.readsOld() ? store.get(key) : null;
    boolean write = !(options.ifAbsent() && old != null) && !(options.ifPresent() && old == null);
    if (write) {
      if (options.keepTtl()) {
        long kept = deadlines.deadline(key);
        deadlines.setUntil(key, value, kept == Deadlines.ABSENT ? Deadlines.NEVER : kept);
      } else {
        write(key, value, options.ttl(), now);
      }
    }
    if (options.returnOld()) {
      return new Result.Bulk(old);
    }
    return write ? Result.OK : Result.NULL;
  }

  /** {@code SETNX key value}: {@code :1} if it was stored, {@code :0} if the key had a value. */
  private Result setIfAbsent(ClientState client, byte[][] args) {
    return new Result.Int(setIfAbsent(client.key(args[1]), args[2], Deadlines.NEVER) ? 1 : 0);
  }

  /** Stores {@code value} until {@code deadline} if the key has no live value, atomically. */
  private boolean setIfAbsent(String key, byte[] value, long deadline) {
    return deadline == Deadlines.NEVER
        ? store.setIfAbsent(key, value)
        : deadlines.setIfAbsentUntil(key, value, deadline);
  }

  /**
   * The store deadline {@code ttl} after the Unix time {@code now} ({@link Deadlines#NEVER} for {@code null}): a
   * whole millisecond, so that {@code PXAT T} is read back as {@code T}.
   */
  private long deadline(@Nullable Duration ttl, long now) {
    return ttl == null ? Deadlines.NEVER : time.deadline(now + ttl.toMillis());
  }

  /**
   * Stores {@code value} for {@code ttl} ({@code null}: for ever). A time already passed ({@code EXAT}/{@code PXAT}
   * in the past) removes the key instead, which is what Redis's write of an already-expired entry amounts to.
   */
  private void write(String key, byte[] value, @Nullable Duration ttl, long now) {
    if (ttl == null) {
      store.set(key, value);
    } else if (!ttl.isNegative() && !ttl.isZero()) {
      deadlines.setUntil(key, value, deadline(ttl, now));
    } else {
      store.delete(key);
    }
  }

  /** {@code GETEX key [EX|PX|EXAT|PXAT time|PERSIST]}: the value, and the key's time to live changed. */
  private Result getex(ClientState client, byte[][] args) {
    long now = time.nowMillis();
    SetOptions options = SetOptions.parse(args, 2, true, now);
    if (options.refusal() != null) {
      return options.refusal();
    }
    String key = client.key(args[1]);
    byte[] value = store.get(key);
    if (value != null) {
      if (options.expiredAtOnce()) {
        store.delete(key);
      } else if (options.ttl() != null) {
        deadlines.expireAt(key, deadline(options.ttl(), now), Deadlines.Condition.ALWAYS);
      } else if (options.persist()) {
        store.persist(key);
      }
    }
    return new Result.Bulk(value);
  }
}
