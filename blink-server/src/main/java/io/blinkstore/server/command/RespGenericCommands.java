package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.command.CommandSpec.Keys;
import org.jspecify.annotations.Nullable;

/**
 * Redis's generic key commands of more than one key or no value: {@code TYPE}, {@code TOUCH}, {@code UNLINK},
 * {@code RENAME}, {@code RENAMENX} and {@code COPY}, with Redis 7.0's replies and errors. A key's time to live
 * travels with it, its deadline carried exactly ({@link Deadlines}).
 *
 * <p><b>Atomicity.</b> {@code RENAME}, {@code RENAMENX} and {@code COPY} read one key and write another: the
 * dispatcher runs them with the store's gate held exclusive ({@link RespTransactionCommands#exclusive}), as an
 * {@code EXEC}, so no other command of any client and no in-process caller sees a key renamed half way (both keys,
 * or neither). Every write goes through the store the other commands write through: it ends the fill leases of
 * the keys it writes or deletes, marks their watchers, and is held to the memory limit and the entry size limits.
 */
final class RespGenericCommands {
  private static final Result.Error NO_SUCH_KEY = Result.error("no such key");
  private static final Result.Error SAME_OBJECT = Result.error("source and destination objects are the same");
  private static final Result.Error OUT_OF_RANGE = Result.error("DB index is out of range");
  private static final Result NONE = new Result.Simple("none");
  private static final Result.Int ZERO = new Result.Int(0);
  private static final Result.Int ONE = new Result.Int(1);
  /** The first key and the second, as {@code RENAME} and {@code COPY} declare them. */
  private static final Keys FIRST_TWO = new Keys(1, 2, 1);

  private final BlinkStore store;
  private final Deadlines deadlines;
  private final Databases databases;
  private final @Nullable TypedKeys types;

  /**
   * The commands on {@code store}, whose logical databases are {@code databases} and whose hashes and lists
   * {@code types} sees ({@code null}: a store of strings only).
   */
  <S extends BlinkStore & Deadlines> RespGenericCommands(S store, Databases databases, @Nullable TypedKeys types) {
    this.store = store;
    this.deadlines = store;
    this.databases = databases;
    this.types = types;
  }

  void register(CommandTable commands) {
    commands.add("type", 2, Keys.ONE, this::type, READONLY, FAST);
    commands.add("touch", -2, Keys.ALL, this::touch, READONLY, FAST);
    commands.add("unlink", -2, Keys.ALL, this::unlink, WRITE, FAST);
    commands.add("rename", 3, FIRST_TWO, (client, args) -> rename(client, args, false), WRITE);
    commands.add("renamenx", 3, FIRST_TWO, (client, args) -> rename(client, args, true), WRITE, FAST);
    commands.add("copy", -3, FIRST_TWO, this::copy, WRITE, DENYOOM);
  }

  /**
   * {@code TYPE key}: {@code string}, {@code hash} or {@code list} for a live key, {@code none} otherwise. Read
   * without counting a hit or a miss and without touching the key.
   */
  private Result type(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    String type = KeyTypes.type(types, key, types != null || deadlines.deadline(key) != Deadlines.ABSENT);
    return type == null ? NONE : new Result.Simple(type);
  }

  /** {@code TOUCH key...}: the number of live keys, each read as a {@code GET} would (a hit for the cache). */
  private Result touch(ClientState client, byte[][] args) {
    long present = 0;
    for (int i = 1; i < args.length; i++) {
      if (KeyTypes.present(store, client.key(args[i]))) {
        present++;
      }
    }
    return new Result.Int(present);
  }

  /** {@code UNLINK key...}: {@code DEL}'s, the memory being given back at once either way. */
  private Result unlink(ClientState client, byte[][] args) {
    long deleted = 0;
    for (int i = 1; i < args.length; i++) {
      if (store.delete(client.key(args[i]))) {
        deleted++;
        client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", args[i]);
      }
    }
    return new Result.Int(deleted);
  }

  /**
   * {@code RENAME key newkey}: {@code +OK}, the value and deadline moved, whatever {@code newkey} held replaced;
   * {@code RENAMENX}: {@code :1}, or {@code :0} if {@code newkey} holds a live value. A missing key is
   * {@code -ERR no such key}; a key renamed to itself is left as it is.
   */
  private Result rename(ClientState client, byte[][] args, boolean nx) {
    String from = client.key(args[1]);
    String to = client.key(args[2]);
    if (KeyTypes.typed(types, from)) {
      if (from.equals(to)) {
        return nx ? ZERO : Result.OK;
      }
      if (!copyTyped(from, to, !nx)) {
        return ZERO;
      }
      store.delete(from);
      return renamed(client, args, nx);
    }
    long deadline = deadlines.deadline(from);
    byte[] value = store.get(from);
    if (value == null || deadline == Deadlines.ABSENT) {
      return NO_SUCH_KEY;
    }
    if (from.equals(to)) {
      return nx ? ZERO : Result.OK;
    }
    if (nx && !deadlines.setIfAbsentUntil(to, value, deadline)) {
      return ZERO;
    } else if (!nx) {
      deadlines.setUntil(to, value, deadline);
    }
    store.delete(from);
    return renamed(client, args, nx);
  }

  /** RENAME's reply once it moved the key, and Redis's events: {@code rename_from}, then {@code rename_to}. */
  private static Result renamed(ClientState client, byte[][] args, boolean nx) {
    client.notifyKeyspace(KeyspaceEvents.GENERIC, "rename_from", args[1]);
    client.notifyKeyspace(KeyspaceEvents.GENERIC, "rename_to", args[2]);
    return nx ? ONE : Result.OK;
  }

  /**
   * {@code COPY source destination [DB index] [REPLACE]}: {@code :1} if copied with its deadline, {@code :0} if the
   * source is missing or the destination holds a live value (without {@code REPLACE}).
   */
  private Result copy(ClientState client, byte[][] args) {
    int target = client.db();
    boolean replace = false;
    for (int i = 3; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      if (option.equals("replace")) {
        replace = true;
      } else if (option.equals("db") && i + 1 < args.length) {
        Long index = Arguments.integer(args[++i]);
        if (index == null || index != (int) (long) index) {
          return index == null ? RespKeyCommands.NOT_AN_INTEGER : RespDatabaseCommands.OUT_OF_INT_RANGE;
        }
        if (!databases.exists(index)) {
          return OUT_OF_RANGE;
        }
        target = (int) (long) index;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    String from = client.key(args[1]);
    String to = client.key(target, args[2]);
    if (from.equals(to)) {
      return SAME_OBJECT;
    }
    if (!copied(from, to, replace)) {
      return ZERO;
    }
    databases.events().publish(KeyspaceEvents.GENERIC, "copy_to", target, args[2]);
    return ONE;
  }

  /** Copies the value of {@code from} and its deadline to {@code to} (replacing one if {@code replace}); if it did. */
  private boolean copied(String from, String to, boolean replace) {
    if (KeyTypes.typed(types, from)) {
      return copyTyped(from, to, replace);
    }
    byte[] value = store.get(from);
    long deadline = deadlines.deadline(from);
    if (value == null || deadline == Deadlines.ABSENT) {
      return false;
    }
    if (replace) {
      deadlines.setUntil(to, value, deadline);
      return true;
    }
    return deadlines.setIfAbsentUntil(to, value, deadline);
  }

  /**
   * Copies the hash or list of {@code from} whole, with its deadline, to {@code to}, replacing whatever {@code to}
   * holds if {@code replace}; whether it did. The delete of {@code to} (a no-op for an absent key) goes through the
   * store the other writes go through, so it ends {@code to}'s fill lease too. Run with the gate held exclusive.
   */
  static boolean copyTyped(@Nullable TypedKeys types, BlinkStore store, String from, String to, boolean replace) {
    if (types == null || !replace && types.type(to) != null) {
      return false;
    }
    store.delete(to);
    return types.copy(from, to);
  }

  private boolean copyTyped(String from, String to, boolean replace) {
    return copyTyped(types, store, from, to, replace);
  }
}
