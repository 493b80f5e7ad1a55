package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.KeyUpdates.Decision;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The RESP writes of one key with options: {@code SET}, {@code SETNX}, {@code SETEX}, {@code PSETEX},
 * {@code GETEX} and {@code GETSET}, with their options parsed by {@link SetOptions}.
 *
 * <p><b>Atomicity.</b> Each is one atomic step on its key. {@code SET ... NX} and {@code SETNX} are
 * {@link BlinkStore#setIfAbsent}, so the lock idiom {@code SET lock token NX PX ms} holds: of racing clients,
 * exactly one gets {@code +OK}. What reads the key before it writes ({@code XX}, {@code GET}, {@code KEEPTTL},
 * {@code GETEX}, {@code GETSET}) is a {@link KeyUpdates} compare-and-set: no other write of the key comes between
 * its read and its write.
 */
final class RespSetCommands {
  private final BlinkStore store;
  private final KeyUpdates updates;
  private final Clock clock;

  RespSetCommands(BlinkStore store, KeyUpdates updates, Clock clock) {
    this.store = store;
    this.updates = updates;
    this.clock = clock;
  }

  void register(CommandTable commands) {
    commands.add("set", -3, Keys.ONE, this::set, WRITE, DENYOOM);
    commands.add("setnx", 3, Keys.ONE, this::setIfAbsent, WRITE, DENYOOM, FAST);
    commands.add("setex", 4, Keys.ONE, (client, args) -> setWithTtl(client, args, "ex"), WRITE, DENYOOM);
    commands.add("psetex", 4, Keys.ONE, (client, args) -> setWithTtl(client, args, "px"), WRITE, DENYOOM);
    commands.add("getex", -2, Keys.ONE, this::getex, WRITE, FAST);
    commands.add("getset", 3, Keys.ONE, this::getset, WRITE, DENYOOM, FAST);
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
    Function<ValueSwaps.@Nullable Entry, Decision> decide = old -> {
      boolean write = !(options.ifAbsent() && old != null) && !(options.ifPresent() && old == null);
      Result reply = options.returnOld() ? (old == null ? Result.NULL : new Result.Bulk(old.value()))
          : write ? Result.OK : Result.NULL;
      if (!write) {
        return Decision.reply(reply);
      }
      return options.keepTtl() ? Decision.write(reply, value, ValueSwaps.KEEP_TTL)
          : Decision.write(reply, value, options.ttl());
    };
    // Only GET's read counts as a keyspace hit or miss in Redis; NX's and XX's are lookups for a write.
    return options.returnOld() ? updates.updateCounted(key, decide) : updates.update(key, decide);
  }

  /** {@code GETSET key value}: {@code SET key value GET}. */
  private Result getset(ClientState client, byte[][] args) {
    byte[] value = args[2];
    return updates.updateCounted(client.key(args[1]),
        old -> Decision.write(old == null ? Result.NULL : new Result.Bulk(old.value()), value, 0));
  }

  /** {@code SETNX key value}: {@code :1} if it was stored, {@code :0} if the key had a value. */
  private Result setIfAbsent(ClientState client, byte[][] args) {
    return new Result.Int(setIfAbsent(client.key(args[1]), args[2], null) ? 1 : 0);
  }

  /** Stores {@code value} for {@code ttl} ({@code null}: for ever) if the key has no live value, atomically. */
  private boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    return ttl == null ? store.setIfAbsent(key, value) : store.setIfAbsent(key, value, ttl);
  }

  /** {@code GETEX key [EX|PX|EXAT|PXAT time|PERSIST]}: the value, and the key's time to live changed. */
  private Result getex(ClientState client, byte[][] args) {
    SetOptions options = SetOptions.parse(args, 2, true, clock.millis());
    String key = client.key(args[1]);
    Result.Error refusal = options.refusal();
    if (refusal != null) {
      // As Redis: a syntax error first, then nil for an absent key, and only then a bad time.
      return refusal != RespKeyCommands.SYNTAX_ERROR && store.getStored(key) == null ? Result.NULL : refusal;
    }
    return updates.updateCounted(key, entry -> {
      if (entry == null) {
        return Decision.reply(Result.NULL);
      }
      Result reply = new Result.Bulk(entry.value());
      if (options.ttl() != null) {
        return Decision.write(reply, entry.value(), options.ttl());
      }
      return options.persist() && entry.expires() ? Decision.write(reply, entry.value(), 0) : Decision.reply(reply);
    });
  }
}
