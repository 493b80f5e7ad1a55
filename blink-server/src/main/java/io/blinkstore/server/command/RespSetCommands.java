package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The RESP writes of one key with options: {@code SET}, {@code SETNX}, {@code SETEX}, {@code PSETEX} and
 * {@code GETEX}, with their options parsed by {@link SetOptions}.
 *
 * <p><b>Atomicity.</b> {@code SET ... NX} and {@code SETNX} are one atomic step ({@link BlinkStore#setIfAbsent}),
 * so the lock idiom {@code SET lock token NX PX ms} holds: of racing clients, exactly one gets {@code +OK}. What
 * else reads the key first reads, then writes, and a concurrent writer of the same key may come between the two:
 * {@code XX}, {@code GET} (the read counts as a hit or miss; with {@code NX} too), {@code KEEPTTL} (the time left
 * is read, then the value written with it) and {@code GETEX}.
 */
final class RespSetCommands {
  private final BlinkStore store;
  private final Clock clock;

  RespSetCommands(BlinkStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
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
    return set(client, args[1], args[2], SetOptions.parse(args, 3, false, clock.millis()));
  }

  /** {@code SETEX key seconds value}, {@code PSETEX key milliseconds value}: {@code SET key value EX|PX time}. */
  private Result setWithTtl(ClientState client, byte[][] args, String expiry) {
    return set(client, args[1], args[3],
        SetOptions.timed(args[2], expiry, Arguments.lowerCase(args[0]), clock.millis()));
  }

  private Result set(ClientState client, byte[] keyBytes, byte[] value, SetOptions options) {
    if (options.refusal() != null) {
      return options.refusal();
    }
    String key = client.key(keyBytes);
    if (options.ifAbsent() && !options.returnOld() && !options.expiredAtOnce()) {
      // KEEPTTL means nothing here: the value is only written where there is no key to keep a time of.
      return setIfAbsent(key, value, options.ttl()) ? Result.OK : Result.NULL;
    }
    byte[] old = options.readsOld() ? store.get(key) : null;
    boolean write = !(options.ifAbsent() && old != null) && !(options.ifPresent() && old == null);
    if (write) {
      write(key, value, options.keepTtl() ? keptTtl(key) : options.ttl());
    }
    if (options.returnOld()) {
      return new Result.Bulk(old);
    }
    return write ? Result.OK : Result.NULL;
  }

  /** {@code SETNX key value}: {@code :1} if it was stored, {@code :0} if the key had a value. */
  private Result setIfAbsent(ClientState client, byte[][] args) {
    return new Result.Int(setIfAbsent(client.key(args[1]), args[2], null) ? 1 : 0);
  }

  /** Stores {@code value} for {@code ttl} ({@code null}: for ever) if the key has no live value, atomically. */
  private boolean setIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return ttl == null ? store.setIfAbsent(key, value) : store.setIfAbsent(key, value, ttl);
  }

  /** The key's time left, or {@code null} if it is absent or never expires. */
  private @Nullable Duration keptTtl(String key) {
    Duration left = store.ttl(key);
    return left == null || left.equals(BlinkStore.NO_EXPIRY) ? null : left;
  }

  /**
   * Stores {@code value} for {@code ttl} ({@code null}: for ever). A time already passed ({@code EXAT}/{@code PXAT}
   * in the past) removes the key instead, which is what Redis's write of an already-expired entry amounts to.
   */
  private void write(String key, byte[] value, @Nullable Duration ttl) {
    if (ttl == null) {
      store.set(key, value);
    } else if (!ttl.isNegative() && !ttl.isZero()) {
      store.set(key, value, ttl);
    } else {
      store.delete(key);
    }
  }

  /** {@code GETEX key [EX|PX|EXAT|PXAT time|PERSIST]}: the value, and the key's time to live changed. */
  private Result getex(ClientState client, byte[][] args) {
    SetOptions options = SetOptions.parse(args, 2, true, clock.millis());
    if (options.refusal() != null) {
      return options.refusal();
    }
    String key = client.key(args[1]);
    byte[] value = store.get(key);
    if (value != null) {
      if (options.expiredAtOnce()) {
        store.delete(key);
      } else if (options.ttl() != null) {
        store.expire(key, options.ttl());
      } else if (options.persist()) {
        store.persist(key);
      }
    }
    return new Result.Bulk(value);
  }
}
