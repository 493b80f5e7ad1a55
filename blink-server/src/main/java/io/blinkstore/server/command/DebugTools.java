package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Namespaces;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code DEBUG} subcommands that {@code enable-debug-command} admits ({@link DebugCommand}), those Redis's own
 * test suite sends: {@code SET-ACTIVE-EXPIRE 0|1} ({@link Keyspace#activeExpiry}), {@code SLEEP seconds},
 * {@code OBJECT key}, {@code POPULATE count [prefix] [size]}, {@code RELOAD [MERGE|NOFLUSH|NOSAVE]...},
 * {@code CHANGE-REPL-ID} (no replication here: {@code +OK}) and {@code HELP}. Each runs with the store's gate held
 * exclusive, so no other command runs meanwhile, as on Redis's one thread.
 */
final class DebugTools {
  private static final Result.Error NO_SUCH_KEY = Result.error("no such key");
  private static final Result.Error NOT_POSITIVE = Result.error("value is out of range, must be positive");
  private static final Result.Error NO_KEYSPACE = Result.error("this store has no keyspace to inspect or expire");
  /** Redis's {@code shared.err}, its answer when {@code DEBUG RELOAD} cannot save. */
  static final Result.Error CANNOT_SAVE = new Result.Error(ErrorKind.OTHER, "ERR");
  /** Redis's key buffer in {@code DEBUG POPULATE}: a longer key is cut to 127 bytes, as there. */
  private static final int POPULATE_KEY_BYTES = 127;
  private static final List<String> HELP = List.of(
      "CHANGE-REPL-ID",
      "    Answers OK: Blink Store has no replication IDs.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the snapshot on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from the snapshot.",
      "    * NOFLUSH: the existing database will not be removed before load.",
      "    * NOSAVE: the database will be loaded from an existing snapshot file.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Accepted with no effect: a list here has one encoding.",
      "SET-DISABLE-DENY-SCRIPTS <0|1>",
      "    Let scripts call DEBUG.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.");

  private final BlinkStore store;
  private final @Nullable Keyspace keyspace;
  private final CommandTable table;
  private final DebugReload reload;
  /** Counted down when the server stops: a sleep ends then. */
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * The subcommands on {@code store} (the one commands write through), {@code keyspace} (null: a store without
   * one), whose {@code OBJECT} reads the encoding {@code table}'s {@code OBJECT ENCODING} answers, and whose
   * {@code RELOAD} is {@code reload}'s.
   */
  DebugTools(BlinkStore store, @Nullable Keyspace keyspace, CommandTable table, DebugReload reload) {
    this.store = store;
    this.keyspace = keyspace;
    this.table = table;
    this.reload = reload;
  }

  /** The server stops: a sleep ends now. */
  void close() {
    closing.countDown();
  }

  /** The reply to {@code DEBUG <subcommand> ...}, or null for a subcommand (or argument count) not built here. */
  @Nullable Result run(ClientState client, String subcommand, byte[][] args) {
    return switch (subcommand) {
      case "help" -> args.length == 2 ? RespObjectCommands.help(args, HELP) : null;
      case "set-active-expire" -> args.length == 3 ? activeExpire(args[2]) : null;
      case "sleep" -> args.length == 3 ? sleep(args[2]) : null;
      case "object" -> args.length == 3 ? object(client, args) : null;
      case "populate" -> args.length >= 3 && args.length <= 5 ? populate(client, args) : null;
      case "reload" -> reload.run(args);
      case "change-repl-id" -> args.length == 2 ? Result.OK : null;
      default -> null;
    };
  }

  private Result activeExpire(byte[] on) {
    if (keyspace == null) {
      return NO_KEYSPACE;
    }
    keyspace.activeExpiry(ScriptDenial.atoi(Arguments.text(on)) != 0);
    return Result.OK;
  }

  /**
   * Sleeps {@code seconds} (read as C's {@code strtod} reads it: what is not a number is 0), holding the gate, or
   * until the server stops.
   */
  private Result sleep(byte[] seconds) {
    int end = LuaStrtod.scan(seconds, 0);
    double value = end == 0 ? 0 : LuaStrtod.parse(new String(seconds, 0, end, StandardCharsets.ISO_8859_1));
    long nanos = Double.isNaN(value) || value <= 0 ? 0 : (long) Math.min(value * 1e9, Long.MAX_VALUE);
    try {
      var unused = closing.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Result.OK;
  }

  /**
   * Redis's line: {@code Value at:<identity> refcount:1 encoding:<OBJECT ENCODING's> serializedlength:<the entry's
   * cost, as MEMORY USAGE> lru:0 lru_seconds_idle:0} (W-TinyLFU keeps no access time per key).
   */
  private Result object(ClientState client, byte[][] args) {
    if (keyspace == null) {
      return NO_KEYSPACE;
    }
    String key = Namespaces.strip(client.key(args[2]));
    long identity = keyspace.valueIdentity(client.namespace(), key);
    long cost = keyspace.entryCost(client.namespace(), key);
    CommandSpec object = table.find("object".getBytes(StandardCharsets.US_ASCII));
    CommandSpec encodingSpec = object == null || object.subcommands() == null ? null
        : object.subcommands().find("encoding".getBytes(StandardCharsets.US_ASCII));
    Result encoding = identity < 0 || encodingSpec == null ? null
        : encodingSpec.operation().run(client, args);
    if (!(encoding instanceof Result.Bulk bulk) || bulk.bytes() == null || cost < 0) {
      return NO_SUCH_KEY;
    }
    return new Result.Simple("Value at:0x" + Long.toHexString(identity) + " refcount:1 encoding:"
        + StandardCharsets.ISO_8859_1.decode(bulk.bytes().duplicate()) + " serializedlength:" + cost
        + " lru:0 lru_seconds_idle:0");
  }

  /**
   * Stores {@code count} strings {@code <prefix>:<n>} = {@code value:<n>} (or {@code size} bytes: those, then
   * zeros), leaving keys that exist alone, as Redis. Refused with {@code -OOM} before anything is written if the
   * keys and values would not fit in the memory limit together: the whole fill holds the gate.
   */
  private Result populate(ClientState client, byte[][] args) {
    Long count = Arguments.integer(args[2]);
    Long size = args.length == 5 ? Arguments.integer(args[4]) : Long.valueOf(0);
    if (count == null || count < 0 || size == null || size < 0) {
      return NOT_POSITIVE;
    }
    byte[] prefix = args.length >= 4 ? args[3] : "key".getBytes(StandardCharsets.US_ASCII);
    long largest = Math.min(prefix.length + 21, POPULATE_KEY_BYTES) + Math.max(size, 26);
    long room = Math.min(store.memoryLimit(), Integer.MAX_VALUE - 64); // a value is one array
    if (count > 0 && (size > room || count > store.memoryLimit() / largest)) {
      return Dispatcher.OOM;
    }
    for (long n = 0; n < count; n++) {
      byte[] key = concat(prefix, ":" + n);
      byte[] name = ("value:" + n).getBytes(StandardCharsets.US_ASCII);
      byte[] value = size == 0 ? name : Arrays.copyOf(name, Math.toIntExact(size)); // cut, or zeros after
      store.setIfAbsent(client.key(Arrays.copyOf(key, Math.min(key.length, POPULATE_KEY_BYTES))), value);
    }
    return Result.OK;
  }

  private static byte[] concat(byte[] prefix, String suffix) {
    byte[] tail = suffix.getBytes(StandardCharsets.US_ASCII);
    byte[] key = Arrays.copyOf(prefix, prefix.length + tail.length);
    System.arraycopy(tail, 0, key, prefix.length, tail.length);
    return key;
  }
}
