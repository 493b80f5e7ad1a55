package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.KeyUpdates.Decision;
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
  private final Deadlines deadlines;
  private final KeyUpdates updates;
  private final UnixTime time;

  /**
   * The commands on {@code store}, whose read-then-write commands go through {@code updates} and whose deadlines
   * {@code time} sets: {@code EXAT}/{@code PXAT} {@code T} is {@code PEXPIRETIME} {@code T} exactly.
   */
  <S extends BlinkStore & Deadlines> RespSetCommands(S store, KeyUpdates updates, UnixTime time) {
    this.store = store;
    this.deadlines = store;
    this.updates = updates;
    this.time = time;
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
      client.notifyKeyspace(KeyspaceEvents.STRING, "set", args[1]);
      return Result.OK;
    }
    long now = time.nowMillis();
    SetOptions options = SetOptions.parse(args, 3, false, now);
    return notified(client, args[1], options, set(client, args[1], args[2], options, now));
  }

  /** {@code SETEX key seconds value}, {@code PSETEX key milliseconds value}: {@code SET key value EX|PX time}. */
  private Result setWithTtl(ClientState client, byte[][] args, String expiry) {
    long now = time.nowMillis();
    SetOptions options = SetOptions.timed(args[2], expiry, Arguments.lowerCase(args[0]), now);
    return notified(client, args[1], options, set(client, args[1], args[3], options, now));
  }

  /**
   * Publishes the events of a {@code SET} that answered {@code reply}, if it wrote, as Redis's
   * {@code setGenericCommand}: {@code set}, then {@code expire} if it gave a time to live. Whether it wrote follows
   * from the reply: {@code +OK}; with {@code GET}, the old value unless {@code NX} found one, nil unless {@code XX}
   * found none.
   */
  private static Result notified(ClientState client, byte[] key, SetOptions options, Result reply) {
    if (!client.notifying(KeyspaceEvents.STRING | KeyspaceEvents.GENERIC) || reply instanceof Result.Error) {
      return reply;
    }
    boolean wrote = !options.returnOld() ? reply == Result.OK
        : options.ifAbsent() ? reply == Result.NULL : !options.ifPresent() || reply != Result.NULL;
    if (wrote) {
      client.notifyKeyspace(KeyspaceEvents.STRING, "set", key);
      if (options.ttl() != null) {
        client.notifyKeyspace(KeyspaceEvents.GENERIC, "expire", key);
      }
    }
    return reply;
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
    if (!options.readsOld() && !options.keepTtl()) {
      write(key, value, options.ttl(), now); // a cache's usual SET ... EX: nothing read, one step
      return Result.OK;
    }
    Function<ValueSwaps.@Nullable Entry, Decision> decide = old -> {
      boolean write = !(options.ifAbsent() && old != null) && !(options.ifPresent() && old == null);
      Result reply = options.returnOld() ? (old == null ? Result.NULL : new Result.Bulk(old.value()))
          : write ? Result.OK : Result.NULL;
      if (!write) {
        return Decision.reply(reply);
      }
      return options.keepTtl() ? Decision.write(reply, value, ValueSwaps.KEEP_TTL)
          : decision(reply, value, options.ttl(), now);
    };
    // Only GET's read counts as a keyspace hit or miss in Redis; NX's and XX's are lookups for a write.
    try {
      return options.returnOld() ? updates.updateCounted(key, decide) : updates.update(key, decide);
    } catch (WrongTypeException typed) {
      return overwriteTyped(key, value, options, now, typed);
    }
  }

  /**
   * {@code SET} of a key holding a hash (or list): Redis overwrites a value of any type unless {@code GET} asks for
   * the old one ({@code -WRONGTYPE}); {@code XX} finds the key present, {@code KEEPTTL} keeps its deadline.
   */
  private Result overwriteTyped(String key, byte[] value, SetOptions options, long now, WrongTypeException typed) {
    if (options.returnOld()) {
      throw typed;
    }
    if (options.ifAbsent()) {
      return Result.NULL;
    }
    long deadline = deadlines.deadline(key);
    if (options.keepTtl() && deadline != Deadlines.ABSENT) {
      deadlines.setUntil(key, value, deadline);
    } else {
      write(key, value, options.ttl(), now);
    }
    return Result.OK;
  }

  /** {@code GETSET key value}: {@code SET key value GET}. */
  private Result getset(ClientState client, byte[][] args) {
    byte[] value = args[2];
    Result reply = updates.updateCounted(client.key(args[1]),
        old -> Decision.write(old == null ? Result.NULL : new Result.Bulk(old.value()), value, 0));
    client.notifyKeyspace(KeyspaceEvents.STRING, "set", args[1]);
    return reply;
  }

  /** {@code SETNX key value}: {@code :1} if it was stored, {@code :0} if the key had a value. */
  private Result setIfAbsent(ClientState client, byte[][] args) {
    if (!setIfAbsent(client.key(args[1]), args[2], Deadlines.NEVER)) {
      return new Result.Int(0);
    }
    client.notifyKeyspace(KeyspaceEvents.STRING, "set", args[1]);
    return new Result.Int(1);
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

  /** {@link #write}'s decision for a compare-and-set: the value until the exact deadline, or the key removed. */
  private Decision decision(Result reply, byte[] value, @Nullable Duration ttl, long now) {
    if (ttl == null) {
      return Decision.write(reply, value, 0);
    }
    return ttl.isNegative() || ttl.isZero() ? Decision.delete(reply)
        : Decision.writeUntil(reply, value, deadline(ttl, now));
  }

  /** {@code GETEX key [EX|PX|EXAT|PXAT time|PERSIST]}: the value, and the key's time to live changed. */
  private Result getex(ClientState client, byte[][] args) {
    long now = time.nowMillis();
    SetOptions options = SetOptions.parse(args, 2, true, now);
    String key = client.key(args[1]);
    Result.Error refusal = options.refusal();
    if (refusal != null) {
      // As Redis: a syntax error first, then nil for an absent key, and only then a bad time.
      return refusal != RespKeyCommands.SYNTAX_ERROR && store.getStored(key) == null ? Result.NULL : refusal;
    }
    boolean[] persisted = new boolean[1]; // the last try's: a compare-and-set may try again
    Result reply = updates.updateCounted(key, entry -> {
      if (entry == null) {
        return Decision.reply(Result.NULL);
      }
      Result value = new Result.Bulk(entry.value());
      if (options.ttl() != null) {
        return decision(value, entry.value(), options.ttl(), now);
      }
      persisted[0] = options.persist() && entry.expires();
      return persisted[0] ? Decision.write(value, entry.value(), 0) : Decision.reply(value);
    });
    Duration ttl = options.ttl();
    if (reply != Result.NULL && (ttl != null || persisted[0])) { // Redis's getexCommand's events
      client.notifyKeyspace(KeyspaceEvents.GENERIC,
          ttl == null ? "persist" : ttl.isNegative() || ttl.isZero() ? "del" : "expire", args[1]);
    }
    return reply;
  }
}
