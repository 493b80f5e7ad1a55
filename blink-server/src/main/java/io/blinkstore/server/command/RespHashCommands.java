package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.Decimal;
import io.blinkstore.internal.Hashes;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's hash commands ({@code HSET}, {@code HGET}, ... {@code HSCAN}, {@code HRANDFIELD}) over the store's
 * {@link Hashes}, with Redis's replies and errors: {@code HGETALL} a map in RESP3, {@code HRANDFIELD ... WITHVALUES}
 * pairs in RESP3, a hash or string of the wrong type {@code -WRONGTYPE} (the store's {@code WrongTypeException}), a
 * write past the memory limit {@code -OOM} and no change. Every write first ends the key's fill lease, as every
 * other write does ({@link LeaseInvalidatingStore}), and is held to the entry size limits, each field and value as
 * a value. Replies that would pass the connection's output cap ({@code HGETALL} of a huge hash, {@code HRANDFIELD}
 * with a huge count) are refused as {@code MGET}'s are, before they are built.
 */
final class RespHashCommands {
  static final Result.Error NO_HASHES = Result.error("this store cannot hold hashes");
  private static final Result.Error NOT_AN_INTEGER_VALUE = Result.error("hash value is not an integer");
  private static final Result.Error OVERFLOW = Result.error("increment or decrement would overflow");
  private static final Result.Error NOT_A_FLOAT = Result.error("value is not a valid float");
  private static final Result.Error NOT_A_FLOAT_VALUE = Result.error("hash value is not a float");
  private static final Result.Error NAN_OR_INFINITY = Result.error("increment would produce NaN or Infinity");
  private static final Result.Error INCREMENT_NAN_OR_INFINITY = Result.error("value is NaN or Infinity");
  private static final Result.Error OUT_OF_RANGE = Result.error("value is out of range");
  private static final Result.Error INVALID_CURSOR = Result.error("invalid cursor");
  private static final Result EMPTY_SCAN = new Result.Array(List.of(Result.bulk("0"), new Result.Array(List.of())));

  private final @Nullable Hashes hashes;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxReplyBytes;

  /**
   * The commands over {@code hashes} ({@code null}: a store without them, every command answering
   * {@link #NO_HASHES}), whose writes end the fill leases of {@code leases} and are held to {@code sizeLimits}, and
   * whose replies are at most {@code maxReplyBytes}.
   */
  RespHashCommands(@Nullable Hashes hashes, Leases leases, EntrySizeLimits sizeLimits, long maxReplyBytes) {
    this.hashes = hashes;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxReplyBytes = maxReplyBytes;
  }

  void register(CommandTable commands) {
    commands.add("hset", -4, Keys.ONE, (client, args) -> set(client, args, false), WRITE, DENYOOM, FAST);
    commands.add("hmset", -4, Keys.ONE, (client, args) -> set(client, args, true), WRITE, DENYOOM, FAST);
    commands.add("hsetnx", 4, Keys.ONE, this::setnx, WRITE, DENYOOM, FAST);
    commands.add("hget", 3, Keys.ONE, this::get, READONLY, FAST);
    commands.add("hmget", -3, Keys.ONE, this::mget, READONLY, FAST);
    commands.add("hdel", -3, Keys.ONE, this::del, WRITE, FAST);
    commands.add("hexists", 3, Keys.ONE, this::exists, READONLY, FAST);
    commands.add("hlen", 2, Keys.ONE, this::len, READONLY, FAST);
    commands.add("hstrlen", 3, Keys.ONE, this::strlen, READONLY, FAST);
    commands.add("hgetall", 2, Keys.ONE, (client, args) -> entries(client, args, true, true), READONLY);
    commands.add("hkeys", 2, Keys.ONE, (client, args) -> entries(client, args, true, false), READONLY);
    commands.add("hvals", 2, Keys.ONE, (client, args) -> entries(client, args, false, true), READONLY);
    commands.add("hincrby", 4, Keys.ONE, this::incrby, WRITE, DENYOOM, FAST);
    commands.add("hincrbyfloat", 4, Keys.ONE, this::incrbyfloat, WRITE, DENYOOM, FAST);
    commands.add("hscan", -3, Keys.ONE, this::scan, READONLY);
    commands.add("hrandfield", -2, Keys.ONE, this::randfield, READONLY);
  }

  /** The hashes, or {@code null} when the store has none (the caller answers {@link #NO_HASHES}). */
  private @Nullable Hashes hashes() {
    return hashes;
  }

  /** The store key of a write's key, its fill lease ended and its size checked. */
  private String writeKey(ClientState client, byte[] key) {
    String storeKey = client.key(key);
    sizeLimits.checkKey(storeKey);
    leases.invalidate(storeKey);
    return storeKey;
  }

  /** {@code HSET key field value ...}: the number of new fields; {@code HMSET}: {@code +OK}. */
  private Result set(ClientState client, byte[][] args, boolean hmset) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    if (args.length % 2 == 1) {
      return Dispatcher.wrongArity(hmset ? "hmset" : "hset");
    }
    String key = client.key(args[1]);
    for (int i = 2; i < args.length; i++) {
      sizeLimits.checkLength(key, args[i].length); // all checked before any is stored
    }
    long added = hashes.set(writeKey(client, args[1]), args, 2);
    client.notifyKeyspace(KeyspaceEvents.HASH, "hset", args[1]);
    return hmset ? Result.OK : new Result.Int(added);
  }

  private Result setnx(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    String key = client.key(args[1]);
    sizeLimits.checkLength(key, args[2].length);
    sizeLimits.checkLength(key, args[3].length);
    if (!hashes.setIfAbsent(writeKey(client, args[1]), args[2], args[3])) {
      return new Result.Int(0);
    }
    client.notifyKeyspace(KeyspaceEvents.HASH, "hset", args[1]);
    return new Result.Int(1);
  }

  private Result get(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    byte[] value = hashes.get(client.key(args[1]), args[2]);
    return value == null ? Result.NULL : new Result.Bulk(value);
  }

  private Result mget(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    List<Result> values = new ArrayList<>(args.length - 2);
    for (byte[] value : hashes.getEach(client.key(args[1]), args, 2)) {
      values.add(value == null ? Result.NULL : new Result.Bulk(value));
    }
    return new Result.Array(values);
  }

  private Result del(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    String key = writeKey(client, args[1]);
    long deleted = hashes.delete(key, args, 2);
    if (deleted > 0 && client.notifying(KeyspaceEvents.HASH | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.HASH, "hdel", args[1], hashes.size(key) == 0);
    }
    return new Result.Int(deleted);
  }

  private Result exists(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    return hashes == null ? NO_HASHES : new Result.Int(hashes.contains(client.key(args[1]), args[2]) ? 1 : 0);
  }

  private Result len(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    return hashes == null ? NO_HASHES : new Result.Int(hashes.size(client.key(args[1])));
  }

  private Result strlen(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    return hashes == null ? NO_HASHES : new Result.Int(hashes.valueLength(client.key(args[1]), args[2]));
  }

  /** {@code HGETALL} (a map in RESP3), {@code HKEYS}, {@code HVALS}. */
  private Result entries(ClientState client, byte[][] args, boolean fields, boolean values) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    List<byte[]> entries = hashes.entries(client.key(args[1]), fields, values, maxReplyBytes);
    if (entries == null) {
      return RespKeyCommands.replyTooLarge(maxReplyBytes + 1, maxReplyBytes);
    }
    List<Result> elements = bulks(entries);
    return fields && values ? new Result.Map(elements) : new Result.Array(elements);
  }

  private static List<Result> bulks(List<byte[]> values) {
    List<Result> elements = new ArrayList<>(values.size());
    for (byte[] value : values) {
      elements.add(new Result.Bulk(value));
    }
    return elements;
  }

  /** {@code HINCRBY key field increment}: the new value, the field created at 0 if absent. */
  private Result incrby(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    Long increment = Arguments.integer(args[3]);
    if (increment == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    sizeLimits.checkLength(client.key(args[1]), args[2].length);
    try {
      byte[] value = hashes.compute(writeKey(client, args[1]), args[2], Decimal.MAX_LENGTH, old -> {
        Long current = old == null ? Long.valueOf(0) : Arguments.integer(old);
        if (current == null) {
          throw new Refused(NOT_AN_INTEGER_VALUE);
        }
        long sum = current + increment;
        if (((current ^ sum) & (increment ^ sum)) < 0) {
          throw new Refused(OVERFLOW);
        }
        return Decimal.format(sum);
      });
      client.notifyKeyspace(KeyspaceEvents.HASH, "hincrby", args[1]);
      return new Result.Int(Long.parseLong(new String(value, StandardCharsets.US_ASCII)));
    } catch (Refused refused) {
      return refused.reply;
    }
  }

  /** {@code HINCRBYFLOAT key field increment}: the new value, in Redis's {@code long double} and its text. */
  private Result incrbyfloat(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    LongDouble increment = LongDouble.parse(args[3]);
    if (increment == null || increment.infinite()) {
      return increment == null ? NOT_A_FLOAT : INCREMENT_NAN_OR_INFINITY;
    }
    sizeLimits.checkLength(client.key(args[1]), args[2].length);
    try {
      Result reply = new Result.Bulk(hashes.compute(writeKey(client, args[1]), args[2], LongDouble.MAX_CHARS, old -> {
        LongDouble current = old == null ? LongDouble.ZERO : LongDouble.parse(old);
        if (current == null) {
          throw new Refused(NOT_A_FLOAT_VALUE);
        }
        LongDouble sum = current.plus(increment);
        if (sum.infinite()) {
          throw new Refused(NAN_OR_INFINITY);
        }
        return sum.text().getBytes(StandardCharsets.US_ASCII);
      }));
      return client.notified(KeyspaceEvents.HASH, "hincrbyfloat", args[1], reply);
    } catch (Refused refused) {
      return refused.reply;
    }
  }

  /**
   * {@code HSCAN key cursor [MATCH pattern] [COUNT count]}: Redis's order of checks (the cursor, then the key and
   * its type, then the options); the pattern filters fields.
   */
  private Result scan(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    Long cursor = RespScanCommands.cursor(args[2]);
    if (cursor == null) {
      return INVALID_CURSOR;
    }
    String key = client.key(args[1]);
    if (hashes.size(key) == 0) {
      return EMPTY_SCAN;
    }
    Object options = ScanOptions.parse(args, RespScanCommands.MAX_COUNT);
    if (options instanceof Result.Error error) {
      return error;
    }
    ScanOptions scan = (ScanOptions) options;
    Hashes.Step step = hashes.scan(key, cursor, scan.count());
    List<Result> found = new ArrayList<>();
    List<byte[]> entries = step.fieldsAndValues();
    for (int i = 0; i + 1 < entries.size(); i += 2) {
      if (scan.matches(entries.get(i))) {
        found.add(new Result.Bulk(entries.get(i)));
        found.add(new Result.Bulk(entries.get(i + 1)));
      }
    }
    return new Result.Array(List.of(Result.bulk(Long.toUnsignedString(step.cursor())), new Result.Array(found)));
  }

  /** {@code HRANDFIELD key [count [WITHVALUES]]}. */
  private Result randfield(ClientState client, byte[][] args) {
    Hashes hashes = hashes();
    if (hashes == null) {
      return NO_HASHES;
    }
    String key = client.key(args[1]);
    if (args.length == 2) {
      byte[] field = hashes.randomField(key);
      return field == null ? Result.NULL : new Result.Bulk(field);
    }
    Long count = Arguments.integer(args[2]);
    if (count == null || count == Long.MIN_VALUE) {
      return count == null ? RespKeyCommands.NOT_AN_INTEGER
          : Result.error("value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
    }
    boolean withValues = args.length == 4 && Arguments.lowerCase(args[3]).equals("withvalues");
    if (args.length > 4 || args.length == 4 && !withValues) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (withValues && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
      return OUT_OF_RANGE;
    }
    List<byte[]> picked = hashes.random(key, count, withValues, maxReplyBytes);
    if (picked == null) {
      return RespKeyCommands.replyTooLarge(maxReplyBytes + 1, maxReplyBytes);
    }
    if (!withValues || client.protocol() < 3) {
      return new Result.Array(bulks(picked));
    }
    List<Result> pairs = new ArrayList<>(picked.size() / 2);
    for (int i = 0; i + 1 < picked.size(); i += 2) {
      pairs.add(new Result.Array(List.of(new Result.Bulk(picked.get(i)), new Result.Bulk(picked.get(i + 1)))));
    }
    return new Result.Array(pairs);
  }

  /** A command's refusal from inside a hash update: nothing was changed. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Result.Error reply;

    Refused(Result.Error reply) {
      super(reply.message(), null, false, false);
      this.reply = reply;
    }
  }
}
