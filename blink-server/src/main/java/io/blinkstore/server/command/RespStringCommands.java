package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.KeyUpdates.Decision;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string commands that read or change part of a value, as Redis 7.0's {@code t_string.c} answers them:
 * {@code APPEND}, {@code STRLEN}, {@code GETRANGE} (and its old name {@code SUBSTR}), {@code SETRANGE},
 * {@code MSETNX}, and {@code INCRBYFLOAT} (in Redis's {@code long double}, {@link LongDouble}).
 *
 * <p><b>Sizes.</b> A string may not grow past Redis's {@code proto-max-bulk-len} (512 MB), with Redis's error;
 * nor past the value size limit or the memory limit, checked before the longer value is built ({@link
 * KeyUpdates#checkRoom}): a refused write changes nothing.
 *
 * <p><b>Atomicity.</b> {@code APPEND}, {@code SETRANGE} and {@code INCRBYFLOAT} are {@link KeyUpdates}: no other write of the key
 * comes between their read and their write. {@code MSETNX} is all or nothing over several keys: it runs with the
 * store's gate held exclusive, as a one-command {@code EXEC} ({@link Dispatcher}).
 */
final class RespStringCommands {
  /** Redis's {@code proto-max-bulk-len}: the longest string a command may make. */
  static final long MAX_STRING_BYTES = 512L * 1024 * 1024;

  static final Result.Error STRING_TOO_LONG =
      Result.error("string exceeds maximum allowed size (proto-max-bulk-len)");
  private static final Result.Error OFFSET_OUT_OF_RANGE = Result.error("offset is out of range");
  private static final Result.Error NOT_A_FLOAT = Result.error("value is not a valid float");
  private static final Result.Error NAN_OR_INFINITY = Result.error("increment would produce NaN or Infinity");
  private static final Result EMPTY = new Result.Bulk(new byte[0]);

  private final BlinkStore store;
  private final KeyUpdates updates;

  RespStringCommands(BlinkStore store, KeyUpdates updates) {
    this.store = store;
    this.updates = updates;
  }

  void register(CommandTable commands) {
    commands.add("append", 3, Keys.ONE, this::append, WRITE, DENYOOM, FAST);
    commands.add("strlen", 2, Keys.ONE, this::strlen, READONLY, FAST);
    commands.add("getrange", 4, Keys.ONE, this::getrange, READONLY);
    commands.add("substr", 4, Keys.ONE, this::getrange, READONLY);
    commands.add("setrange", 4, Keys.ONE, this::setrange, WRITE, DENYOOM);
    commands.add("msetnx", -3, Keys.PAIRS, this::msetnx, WRITE, DENYOOM);
    commands.add("incrbyfloat", 3, Keys.ONE, this::incrbyfloat, WRITE, DENYOOM, FAST);
  }

  /** Whether a string of {@code size} bytes plus {@code more} passes {@link #MAX_STRING_BYTES}. */
  static boolean tooLong(long size, long more) {
    return size > MAX_STRING_BYTES - more; // no overflow: more is a length, at most an array's
  }

  /** {@code APPEND key value}: the new length; the key's time to live is kept. */
  private Result append(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    byte[] tail = args[2];
    return client.notified(KeyspaceEvents.STRING, "append", args[1], updates.update(key, entry -> {
      if (entry == null) {
        return Decision.write(new Result.Int(tail.length), tail, 0);
      }
      byte[] head = entry.value();
      if (tooLong(head.length, tail.length)) {
        return Decision.reply(STRING_TOO_LONG);
      }
      updates.checkRoom(key, (long) head.length + tail.length);
      byte[] next = Arrays.copyOf(head, head.length + tail.length);
      System.arraycopy(tail, 0, next, head.length, tail.length);
      return Decision.write(new Result.Int(next.length), next, ValueSwaps.KEEP_TTL);
    }));
  }

  /** {@code STRLEN key}: the value's length, 0 if absent; nothing is copied. */
  private Result strlen(ClientState client, byte[][] args) {
    BlinkStore.StoredValue value = store.getStored(client.key(args[1]));
    return new Result.Int(value == null ? 0 : value.length());
  }

  /** {@code GETRANGE key start end}: the bytes from {@code start} to {@code end}, both included, counted as Redis does. */
  private Result getrange(ClientState client, byte[][] args) {
    Long start = Arguments.integer(args[2]);
    Long end = Arguments.integer(args[3]);
    if (start == null || end == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    byte[] value = store.get(client.key(args[1]));
    if (value == null || start < 0 && end < 0 && start > end) {
      return EMPTY;
    }
    long length = value.length;
    long from = Math.max(0, start < 0 ? length + start : start);
    long to = Math.max(0, end < 0 ? length + end : end);
    to = Math.min(to, length - 1);
    if (from > to || length == 0) {
      return EMPTY;
    }
    return new Result.Bulk(Arrays.copyOfRange(value, (int) from, (int) to + 1));
  }

  /**
   * {@code SETRANGE key offset value}: the value overwritten from {@code offset} (zero bytes filling any gap),
   * the new length; the key's time to live is kept. An empty {@code value} writes nothing.
   */
  private Result setrange(ClientState client, byte[][] args) {
    Long offset = Arguments.integer(args[2]);
    if (offset == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (offset < 0) {
      return OFFSET_OUT_OF_RANGE;
    }
    String key = client.key(args[1]);
    byte[] patch = args[3];
    Result reply = updates.update(key, entry -> {
      if (patch.length == 0) {
        return Decision.reply(new Result.Int(entry == null ? 0 : entry.value().length));
      }
      if (tooLong(offset, patch.length)) {
        return Decision.reply(STRING_TOO_LONG);
      }
      byte[] old = entry == null ? new byte[0] : entry.value();
      long length = Math.max(old.length, offset + patch.length);
      updates.checkRoom(key, length);
      byte[] next = Arrays.copyOf(old, (int) length);
      System.arraycopy(patch, 0, next, offset.intValue(), patch.length);
      return Decision.write(new Result.Int(length), next, entry == null ? 0 : ValueSwaps.KEEP_TTL);
    });
    return patch.length == 0 ? reply : client.notified(KeyspaceEvents.STRING, "setrange", args[1], reply);
  }

  /**
   * {@code MSETNX key value [key value ...]}: {@code :1} and every pair set (without a time to live), or
   * {@code :0} and none if any key has a value. All or nothing: the dispatcher runs it with the store's gate held
   * exclusive, so no write comes between the check and the sets, and no reader sees some pairs set.
   */
  private Result msetnx(ClientState client, byte[][] args) {
    if (args.length % 2 == 0) {
      return Dispatcher.wrongArity("msetnx");
    }
    String[] keys = new String[args.length / 2];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = client.key(args[1 + 2 * i]);
      updates.checkRoom(keys[i], args[2 + 2 * i].length); // all checked before any is stored
    }
    for (String key : keys) {
      if (KeyTypes.present(store, key)) {
        return new Result.Int(0);
      }
    }
    for (int i = 0; i < keys.length; i++) {
      store.set(keys[i], args[2 + 2 * i]);
      client.notifyKeyspace(KeyspaceEvents.STRING, "set", args[1 + 2 * i]);
    }
    return new Result.Int(1);
  }

  /**
   * {@code INCRBYFLOAT key increment}: the value plus {@code increment}, in Redis's {@code long double} and its
   * text, stored and answered; the key's time to live is kept.
   */
  private Result incrbyfloat(ClientState client, byte[][] args) {
    LongDouble increment = LongDouble.parse(args[2]);
    String key = client.key(args[1]);
    return client.notified(KeyspaceEvents.STRING, "incrbyfloat", args[1], updates.update(key, entry -> {
      LongDouble value = entry == null ? LongDouble.ZERO : LongDouble.parse(entry.value());
      if (value == null || increment == null) {
        return Decision.reply(NOT_A_FLOAT);
      }
      LongDouble sum = value.plus(increment);
      if (sum.infinite()) {
        return Decision.reply(NAN_OR_INFINITY);
      }
      byte[] text = sum.text().getBytes(StandardCharsets.US_ASCII);
      return Decision.write(new Result.Bulk(text), text, entry == null ? 0 : ValueSwaps.KEEP_TTL);
    }));
  }
}
