package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.STALE;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.Watches;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The logical databases ({@link Databases}): {@code SELECT}, {@code SWAPDB}, {@code MOVE}, {@code DBSIZE},
 * {@code FLUSHDB}, {@code FLUSHALL}, and the lines of {@code INFO keyspace}. A database is a namespace of the one
 * store, counted by the store ({@link Keyspace#size}), so {@code DBSIZE} is O(1); {@code FLUSHDB} is one pass over
 * the store, {@code FLUSHALL} clears it. A store that is not the in-process one has one database.
 *
 * <p><b>Atomicity.</b> {@code MOVE} reads the key and its deadline, sets it in the target database if absent
 * there, then deletes it from the source: not atomic against a concurrent writer of the same key. {@code SWAPDB}
 * is one swap of two numbers; a multi-key command running meanwhile may see some keys before it and some after.
 */
final class RespDatabaseCommands {
  private static final Result.Error OUT_OF_RANGE = Result.error("DB index is out of range");
  static final Result.Error OUT_OF_INT_RANGE =
      Result.error("value is out of range, value must between -2147483648 and 2147483647");
  private static final Result.Error SAME_OBJECT = Result.error("source and destination objects are the same");

  private final BlinkStore store;
  private final Deadlines deadlines;
  private final @Nullable Keyspace keyspace;
  private final Databases databases;
  private final Leases leases;
  private final @Nullable Watches watches;
  private final @Nullable TypedKeys types;

  /**
   * The commands for {@code store} (every write through it), whose {@code keyspace} (null: a store without one)
   * holds {@code databases}; a flush ends every lease of {@code leases}; a swap marks {@code watches}; {@code MOVE}
   * moves a hash or list through {@code types} (null: a store of strings only).
   */
  <S extends BlinkStore & Deadlines> RespDatabaseCommands(S store, @Nullable Keyspace keyspace, Databases databases,
      Leases leases, @Nullable Watches watches, @Nullable TypedKeys types) {
    this.store = store;
    this.deadlines = store;
    this.keyspace = keyspace;
    this.databases = databases;
    this.leases = leases;
    this.watches = watches;
    this.types = types;
  }

  void register(CommandTable commands) {
    commands.add("select", 2, Keys.NONE, this::select, LOADING, STALE, FAST);
    commands.add("swapdb", 3, Keys.NONE, this::swapdb, WRITE, FAST);
    commands.add("move", 3, Keys.ONE, this::move, WRITE, FAST);
    commands.add("dbsize", 1, Keys.NONE, this::dbsize, READONLY, FAST);
    commands.add("flushall", -1, Keys.NONE, this::flush, WRITE);
    commands.add("flushdb", -1, Keys.NONE, this::flush, WRITE);
  }

  /** The lines of {@code INFO keyspace}: {@code db<i>:keys=...,expires=...,avg_ttl=0} for each non-empty database. */
  List<String> keyspaceLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < databases.count(); i++) {
      long keys = size(i);
      if (keys > 0) {
        long expires = keyspace == null ? store.stats().expiring() : keyspace.expiring(databases.namespace(i));
        // avg_ttl is Redis's sampled estimate; 0 is what Redis reports when it has none.
        lines.add("db" + i + ":keys=" + keys + ",expires=" + expires + ",avg_ttl=0");
      }
    }
    return lines;
  }

  private long size(int index) {
    return keyspace == null ? store.size() : keyspace.size(databases.namespace(index));
  }

  private Result select(ClientState client, byte[][] args) {
    Long index = Arguments.integer(args[1]);
    if (index == null || index != (int) (long) index) {
      return index == null ? RespKeyCommands.NOT_AN_INTEGER : OUT_OF_INT_RANGE;
    }
    if (!databases.exists(index)) {
      return OUT_OF_RANGE;
    }
    client.db((int) (long) index);
    return Result.OK;
  }

  private Result swapdb(ClientState client, byte[][] args) {
    Integer first = index(args[1]);
    if (first == null) {
      return Result.error("invalid first DB index");
    }
    Integer second = index(args[2]);
    if (second == null) {
      return Result.error("invalid second DB index");
    }
    if (!databases.exists(first) || !databases.exists(second)) {
      return OUT_OF_RANGE;
    }
    touchSwapped(databases.namespace(first), databases.namespace(second));
    databases.swap(first, second);
    if (watches != null) {
      watches.flushed(); // client-side caches: every key (Redis 7.0 tells them nothing: docs/resp.md)
    }
    return Result.OK;
  }

  /**
   * Marks the watchers of a key of either namespace that exists in either, as Redis's {@code SWAPDB} does: its
   * value changes with the swap (a key in neither keeps its watchers clean).
   */
  private void touchSwapped(int one, int other) {
    if (watches == null) {
      return;
    }
    watches.touchIf(watched -> {
      int namespace = Namespaces.of(watched);
      if (namespace != one && namespace != other) {
        return false;
      }
      String key = Namespaces.strip(watched);
      return store.ttl(Namespaces.key(one, key)) != null || store.ttl(Namespaces.key(other, key)) != null;
    });
  }

  /** {@code MOVE key db}: {@code :1} if moved; {@code :0} if absent here or present there. */
  private Result move(ClientState client, byte[][] args) {
    Long given = Arguments.integer(args[2]);
    if (given == null || given != (int) (long) given) {
      return given == null ? RespKeyCommands.NOT_AN_INTEGER : OUT_OF_INT_RANGE;
    }
    int target = (int) (long) given;
    if (!databases.exists(target)) {
      return OUT_OF_RANGE;
    }
    if (databases.namespace(target) == client.namespace()) {
      return SAME_OBJECT;
    }
    String key = client.key(args[1]);
    if (KeyTypes.typed(types, key)) {
      boolean moved = RespGenericCommands.copyTyped(types, store, key, client.key(target, args[1]), false);
      if (moved) {
        store.delete(key);
      }
      return moved(client, args, target, moved);
    }
    byte[] value = store.get(key);
    long deadline = deadlines.deadline(key);
    if (value == null || deadline == Deadlines.ABSENT) {
      return new Result.Int(0);
    }
    boolean moved = deadlines.setIfAbsentUntil(client.key(target, args[1]), value, deadline);
    if (moved) {
      store.delete(key);
    }
    return moved(client, args, target, moved);
  }

  /** MOVE's reply, and if it {@code moved} the key Redis's events: {@code move_from}, then {@code move_to}. */
  private Result moved(ClientState client, byte[][] args, int target, boolean moved) {
    if (moved) {
      client.notifyKeyspace(KeyspaceEvents.GENERIC, "move_from", args[1]);
      databases.events().publish(KeyspaceEvents.GENERIC, "move_to", target, args[1]);
    }
    return new Result.Int(moved ? 1 : 0);
  }

  private Result dbsize(ClientState client, byte[][] args) {
    return new Result.Int(keyspace == null ? store.size() : keyspace.size(client.namespace()));
  }

  /** {@code FLUSHALL}/{@code FLUSHDB [ASYNC|SYNC]}: both run at once, whichever is asked. */
  private Result flush(ClientState client, byte[][] args) {
    if (args.length > 2 || args.length == 2 && !List.of("async", "sync").contains(Arguments.lowerCase(args[1]))) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    boolean all = Arguments.lowerCase(args[0]).equals("flushall");
    if (all || keyspace == null) {
      store.clear();
    } else {
      leases.invalidateAll();
      keyspace.flush(client.namespace());
      if (watches != null) {
        watches.flushed(); // client-side caches: every key, as Redis's FLUSHDB tells them
      }
    }
    return Result.OK;
  }

  /** A database index as Redis reads one ({@code getIntFromObject}): a 32-bit integer, else {@code null}. */
  private static @Nullable Integer index(byte[] arg) {
    Long value = Arguments.integer(arg);
    return value == null || value != (int) (long) value ? null : (int) (long) value;
  }
}
