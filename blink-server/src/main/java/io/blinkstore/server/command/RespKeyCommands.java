package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.WrongTypeException;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RESP data commands but those with options: {@code GET}, {@code GETDEL}, {@code MGET}, {@code MSET},
 * {@code DEL}, {@code EXISTS}, run against the same {@link BlinkStore} as the text protocol
 * ({@link RespDatabaseCommands} has {@code DBSIZE} and the flushes). {@link RespSetCommands} has {@code SET} and its relatives.
 *
 * <p><b>Keys</b> are binary-safe: {@link RespKeys} maps each to its store key, the same entry over the text
 * protocol whenever the bytes are a key that protocol can carry.
 *
 * <p><b>Reply size.</b> {@code MGET} is the one command whose reply can be far larger than its request: a
 * 1 MiB request naming one 4 KB value 150,000 times asks for 615 MB. It reads the values without copying them
 * ({@link BlinkStore#getStored}), and is refused with {@link #replyTooLarge} when the reply, as the connection's
 * codec measures it ({@link ReplySize}), would pass the server's output cap ({@code --max-output-bytes}), which
 * would close the connection anyway.
 *
 * <p><b>Atomicity.</b> {@code MSET} checks every entry against the size limits first, then sets its keys one by
 * one. {@code GETDEL} is one atomic step ({@link KeyUpdates}): the value it answers is the one it deleted.
 */
final class RespKeyCommands {
  static final Result.Error SYNTAX_ERROR = Result.error("syntax error");
  static final Result.Error NOT_AN_INTEGER = Result.error("value is not an integer or out of range");

  private final BlinkStore store;
  private final KeyUpdates updates;
  private final long maxReplyBytes;
  private final EntrySizeLimits sizeLimits;

  /**
   * The commands for {@code store}; an {@code MGET} reply holds at most {@code maxReplyBytes}, and an
   * {@code MSET} with an entry past {@code sizeLimits} stores none of its entries.
   */
  RespKeyCommands(BlinkStore store, KeyUpdates updates, long maxReplyBytes, EntrySizeLimits sizeLimits) {
    this.store = store;
    this.updates = updates;
    this.maxReplyBytes = maxReplyBytes;
    this.sizeLimits = sizeLimits;
  }

  void register(CommandTable commands) {
    commands.add("get", 2, Keys.ONE, this::get, READONLY, FAST);
    commands.add("getdel", 2, Keys.ONE, this::getdel, WRITE, FAST);
    commands.add("mget", -2, Keys.ALL, this::mget, READONLY, FAST);
    commands.add("mset", -3, Keys.PAIRS, this::mset, WRITE, DENYOOM);
    commands.add("del", -2, Keys.ALL, this::del, WRITE);
    commands.add("exists", -2, Keys.ALL, this::exists, READONLY, FAST);
  }

  private Result get(ClientState client, byte[][] args) {
    return read(client.key(args[1]));
  }

  /** The value of {@code key} as a view of the stored bytes, or nil. */
  private Result read(String key) {
    BlinkStore.StoredValue value = store.getStored(key);
    return value == null ? Result.NULL : new Result.Stored(value);
  }

  /** {@link #read}, a hash or list read as nil, as Redis's {@code MGET} reads it. */
  private Result readAny(String key) {
    try {
      return read(key);
    } catch (WrongTypeException typed) {
      return Result.NULL;
    }
  }

  /** {@code GETDEL key}: the value, and the key deleted. */
  private Result getdel(ClientState client, byte[][] args) {
    Result reply = updates.updateCounted(client.key(args[1]), entry -> entry == null
        ? KeyUpdates.Decision.reply(Result.NULL) : KeyUpdates.Decision.delete(new Result.Bulk(entry.value())));
    if (reply != Result.NULL) {
      client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", args[1]);
    }
    return reply;
  }

  /** {@code MGET key...}: the values, or {@link #replyTooLarge} if they would pass {@link #maxReplyBytes}. */
  private Result mget(ClientState client, byte[][] args) {
    List<Result> values = new ArrayList<>(args.length - 1);
    for (int i = 1; i < args.length; i++) {
      values.add(readAny(client.key(args[i])));
    }
    Result reply = new Result.Array(values);
    long replyBytes = client.replySize().bytes(reply);
    return replyBytes <= maxReplyBytes ? reply : replyTooLarge(replyBytes, maxReplyBytes);
  }

  /** The reply to a command whose reply of {@code replyBytes} would pass {@code maxReplyBytes}. */
  static Result.Error replyTooLarge(long replyBytes, long maxReplyBytes) {
    return Result.error("reply of " + replyBytes + " bytes exceeds the output limit of " + maxReplyBytes
        + " bytes");
  }

  private Result mset(ClientState client, byte[][] args) {
    if (args.length % 2 == 0) {
      return Dispatcher.wrongArity("mset");
    }
    String[] keys = new String[args.length / 2];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = client.key(args[1 + 2 * i]);
      sizeLimits.check(keys[i], args[2 + 2 * i]); // all checked before any is stored
    }
    for (int i = 0; i < keys.length; i++) {
      store.set(keys[i], args[2 + 2 * i]);
      client.notifyKeyspace(KeyspaceEvents.STRING, "set", args[1 + 2 * i]);
    }
    return Result.OK;
  }

  private Result del(ClientState client, byte[][] args) {
    long deleted = 0;
    for (int i = 1; i < args.length; i++) {
      String key = client.key(args[i]);
      if (store.delete(key)) {
        deleted++;
        client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", args[i]);
      }
    }
    return new Result.Int(deleted);
  }

  /** Counts the arguments that are present keys; a key named twice counts twice, as in Redis. */
  private Result exists(ClientState client, byte[][] args) {
    long present = 0;
    for (int i = 1; i < args.length; i++) {
      String key = client.key(args[i]);
      if (KeyTypes.present(store, key)) { // no value is copied just to count it
        present++;
      }
    }
    return new Result.Int(present);
  }
}
