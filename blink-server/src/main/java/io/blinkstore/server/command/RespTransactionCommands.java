package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.SKIP_SLOWLOG;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Watches;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code MULTI}, {@code EXEC}, {@code DISCARD}, {@code WATCH} and {@code UNWATCH} with Redis 7.0's semantics
 * ({@code multi.c}), on the store's {@link Isolation}: {@code EXEC} runs the queue with the store's gate held
 * exclusive, so no other command of any client (either protocol) and no in-process caller of the store runs
 * meanwhile, and every other command holds it shared ({@link Dispatcher}). Errors while queueing (unknown command,
 * wrong arity, refusals) make {@code EXEC} answer {@code -EXECABORT}; errors while running are replies in the
 * array, nothing is rolled back. A watched key modified by anyone since {@code WATCH} ({@link Watches}), or live
 * when watched and expired or evicted since, makes {@code EXEC} answer the null array.
 *
 * <p>A store that is not the in-process one has no gate: these commands are refused there.
 */
final class RespTransactionCommands {
  static final Result.Error EXECABORT =
      new Result.Error("EXECABORT Transaction discarded because of previous errors.");
  private static final Result.Error NESTED = Result.error("MULTI calls can not be nested");
  private static final Result.Error EXEC_WITHOUT_MULTI = Result.error("EXEC without MULTI");
  private static final Result.Error DISCARD_WITHOUT_MULTI = Result.error("DISCARD without MULTI");
  private static final Result.Error WATCH_INSIDE_MULTI = Result.error("WATCH inside MULTI is not allowed");
  private static final Result.Error NO_GATE = Result.error("transactions need the server's in-process store");
  /** Redis's refusal of a {@link CommandFlag#NO_MULTI} command ({@code SAVE}) inside {@code MULTI}. */
  private static final Result.Error NOT_IN_MULTI = Result.error("Command not allowed inside a transaction");
  private static final Result.Error QUEUE_FULL =
      Result.error("too many commands in the transaction (at most " + Transaction.MAX_COMMANDS + ")");
  private static final Result QUEUED = new Result.Simple("QUEUED");
  private static final Result NULL_ARRAY = new Result.NullArray();
  /** What a watched key costs in the client's memory beyond its bytes: its entries in both registries. */
  private static final int WATCH_OVERHEAD = 96;
  /** Commands that run when they arrive, also inside {@code MULTI} (Redis's {@code processCommand}). */
  private static final Set<String> RUN_AT_ONCE = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
  /**
   * Commands Redis answers while a script runs ({@code allow-busy}) that change only their connection's state: they
   * need no gate, so a script holding it never makes them wait ({@code WATCH}, which reads the store, does).
   */
  private static final Set<String> CONNECTION_ONLY =
      Set.of("multi", "discard", "unwatch", "reset", "quit", "auth", "hello", "shutdown");

  /**
   * Commands that read one key and write another: they run with the gate held exclusive, as one transaction; and
   * {@code DEBUG}, whose {@code SLEEP} and {@code RELOAD} must hold every other command off, as on Redis's thread.
   */
  private static final Set<String> EXCLUSIVE =
      Set.of("rename", "renamenx", "copy", "msetnx", "move", "lmove", "rpoplpush", "blmove", "brpoplpush",
          "restore", "zrangestore", "zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff",
          "zintercard", "smove", "sinter", "sunion", "sdiff", "sintercard", "sinterstore", "sunionstore", "sdiffstore",
          "geosearchstore", "debug", "sync", "psync", "migrate");

  /** Runs one queued command as the dispatcher would, without its checks (made when it was queued). */
  @FunctionalInterface
  interface Runner {
    Result run(CommandSpec spec, ClientState client, byte[][] args);
  }

  private final @Nullable Isolation isolation;
  private final Runner runner;
  private final ExclusiveTurn turn;
  /** Whether a script holds the gate past {@code busy-reply-threshold}: {@code EXEC} gives up waiting then. */
  private final BooleanSupplier busy;

  RespTransactionCommands(@Nullable Isolation isolation, Runner runner, ExclusiveTurn turn, BooleanSupplier busy) {
    this.isolation = isolation;
    this.runner = runner;
    this.turn = turn;
    this.busy = busy;
  }

  void register(CommandTable commands) {
    commands.add("multi", 1, Keys.NONE, this::multi, NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY);
    commands.add("exec", 1, Keys.NONE, this::exec, NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG);
    commands.add("discard", 1, Keys.NONE, this::discard, NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY);
    commands.add("watch", -2, Keys.ALL, this::watch, NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY);
    commands.add("unwatch", 1, Keys.NONE, this::unwatch, NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY);
  }

  /** Whether {@code spec} runs when it arrives inside {@code MULTI} instead of being queued. */
  static boolean runsAtOnce(CommandSpec spec) {
    return RUN_AT_ONCE.contains(spec.name());
  }

  /**
   * Whether {@code spec} runs without the gate held shared: {@code EXEC} and scripts take it exclusive themselves,
   * the script cache and the commands of {@link #CONNECTION_ONLY} need none ({@code SHUTDOWN NOSAVE} must run
   * while a script holds it).
   */
  boolean ungated(CommandSpec spec) {
    return isolation == null || spec.name().equals("exec") || CONNECTION_ONLY.contains(spec.name())
        || ScriptCommands.ungated(spec);
  }

  /**
   * Whether {@code spec} runs with the gate held exclusive ({@link Isolation#atomically}), as a one-command
   * {@code EXEC}, so that no other command and no in-process caller observes it half done: {@code RENAME} must
   * never show both keys or neither, {@code MSETNX} is all or nothing; a {@code SORT} that reads or writes keys
   * beside the one it sorts reads them all at one instant.
   */
  boolean exclusive(CommandSpec spec, byte[][] args) {
    return isolation != null && (EXCLUSIVE.contains(spec.name())
        || spec.name().startsWith("sort") && SortOptions.readsOtherKeys(args)
        || (spec.name().equals("georadius") || spec.name().equals("georadiusbymember"))
            && RespGeoSearchCommands.mayStore(args));
  }

  /** Queues a command of a client in {@code MULTI}: {@code +QUEUED}, or an error that aborts the transaction. */
  Result queue(ClientState client, CommandSpec spec, byte[][] args) {
    // The dispatcher queues only for a client in MULTI.
    Transaction transaction = Objects.requireNonNull(client.transaction(), "in MULTI");
    if (spec.has(CommandFlag.NO_MULTI)) {
      spec.calls().reject();
      return refused(client, NOT_IN_MULTI);
    }
    if (transaction.full()) {
      return refused(client, QUEUE_FULL);
    }
    client.account().addRequests(transaction.add(spec, args));
    return QUEUED;
  }

  /** Whether {@code spec} is an {@code EXEC} of a transaction that queued a {@code DENYOOM} command. */
  static boolean execOfDenyoom(CommandSpec spec, ClientState client) {
    Transaction transaction = client.transaction();
    return transaction != null && spec.name().equals("exec")
        && transaction.commands().stream().anyMatch(queued -> queued.spec().has(CommandFlag.DENYOOM));
  }

  /**
   * An {@code EXEC} refused before it ran ({@code -OOM}): the transaction is discarded, and the reply is Redis's
   * {@code -EXECABORT Transaction discarded because of: } and the refusal.
   */
  Result abort(ClientState client, Result refusal) {
    end(client);
    return refusal instanceof Result.Error error
        ? new Result.Error("EXECABORT Transaction discarded because of: " + error.line()) : refusal;
  }

  /** A command refused before it ran: inside {@code MULTI}, the transaction will abort. */
  static Result refused(ClientState client, Result error) {
    Transaction transaction = client.transaction();
    if (transaction != null) {
      transaction.refuse();
    }
    return error;
  }

  private Result multi(ClientState client, byte[][] args) {
    if (isolation == null) {
      return NO_GATE;
    }
    if (client.transaction() != null) {
      return NESTED;
    }
    client.transaction(new Transaction());
    return Result.OK;
  }

  private Result discard(ClientState client, byte[][] args) {
    if (client.transaction() == null) {
      return DISCARD_WITHOUT_MULTI;
    }
    end(client);
    return Result.OK;
  }

  private Result exec(ClientState client, byte[][] args) {
    Transaction transaction = client.transaction();
    if (transaction == null || isolation == null) {
      return EXEC_WITHOUT_MULTI;
    }
    if (transaction.refused()) {
      end(client);
      return EXECABORT;
    }
    Watches watches = isolation.watches();
    Result result = turn.tryRun(busy, () -> isolation.atomically(view -> {
      if (client.watcher().dirty() || watches.lostSinceWatched(client.watcher(), key -> live(view, key))) {
        return NULL_ARRAY;
      }
      unwatchAll(client);
      List<Result> replies = new ArrayList<>(transaction.commands().size());
      for (Transaction.Queued queued : transaction.commands()) {
        replies.add(whole(runner.run(queued.spec(), client, queued.args())));
      }
      return new Result.Array(replies);
    }));
    if (result == null) {
      return abort(client, ScriptRunner.BUSY); // a script took the turn first and runs past the threshold
    }
    end(client);
    return result;
  }

  private Result watch(ClientState client, byte[][] args) {
    if (isolation == null) {
      return NO_GATE;
    }
    if (client.transaction() != null) {
      return WATCH_INSIDE_MULTI;
    }
    Watches.Watcher watcher = client.watcher();
    if (watcher.dirty()) {
      return Result.OK; // as Redis: no point in watching more once EXEC will abort anyway
    }
    BlinkStore view = isolation.view();
    for (int i = 1; i < args.length; i++) {
      String key = client.key(args[i]);
      if (isolation.watches().watch(watcher, key, live(view, key))) {
        client.account().addRequests(WATCH_OVERHEAD + 2L * key.length());
      }
    }
    return Result.OK;
  }

  private Result unwatch(ClientState client, byte[][] args) {
    unwatchAll(client);
    return Result.OK;
  }

  /** Whether {@code key} holds a live value, read without counting a hit or a miss. */
  private static boolean live(BlinkStore view, String key) {
    return view.ttl(key) != null;
  }

  /** Leaves {@code MULTI} (if in it) and ends every watch: {@code EXEC}, {@code DISCARD}, a closed connection. */
  void end(ClientState client) {
    Transaction transaction = client.transaction();
    if (transaction != null) {
      client.account().addRequests(-transaction.bytes());
      client.transaction(null);
    }
    unwatchAll(client);
  }

  private void unwatchAll(ClientState client) {
    if (isolation == null) {
      return;
    }
    Watches.Watcher watcher = client.watcher();
    client.account().addRequests(-(WATCH_OVERHEAD * (long) watcher.size() + 2L * watcher.keyChars()));
    isolation.watches().unwatchAll(watcher);
  }

  /**
   * {@code reply} with every stored value in it copied now: a reply of several values read under the gate must
   * not be read from the store after the gate is released, when a transaction may have changed some of them in
   * place (one value alone is read whole either way).
   */
  static Result whole(Result reply) {
    if (reply instanceof Result.Stored stored) {
      return new Result.Bulk(stored.copy());
    }
    if (reply instanceof Result.Array array) {
      List<Result> elements = new ArrayList<>(array.elements().size());
      for (Result element : array.elements()) {
        elements.add(whole(element));
      }
      return new Result.Array(elements);
    }
    return reply;
  }
}
