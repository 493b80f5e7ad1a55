package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's {@code DUMP key} and {@code RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]}
 * ({@code cluster.c}), for strings, hashes, lists, sets and sorted sets: the migration path to and from Redis. {@code DUMP} answers a
 * payload Redis's {@code RESTORE} reads ({@link DumpFormat#write}), nil for a missing key; {@code RESTORE} reads
 * every encoding Redis 7.0 writes or reads for them ({@link DumpFormat#read}), with Redis's errors in Redis's order:
 * the options ({@code syntax error}, {@code Invalid IDLETIME value, must be >= 0}, {@code Invalid FREQ value, must
 * be >= 0 and <= 255}), {@code -BUSYKEY Target key name already exists.} without {@code REPLACE}, the TTL
 * ({@code Invalid TTL value, must be >= 0}), the footer ({@code DUMP payload version or checksum are wrong}), the
 * value ({@code Bad data format}). A TTL is milliseconds from now, or with {@code ABSTTL} a Unix time in
 * milliseconds; one already past stores nothing (and {@code REPLACE} has deleted the old value), as Redis.
 * {@code IDLETIME} and {@code FREQ} are checked and have no effect: the store's eviction (W-TinyLFU) keeps no
 * per-key idle time or counter to set.
 *
 * <p>{@code RESTORE} runs with the store's gate held exclusive ({@link RespTransactionCommands}): nobody sees the
 * key replaced but not yet restored, or restored without its time to live. A restored value is held to the entry
 * limits and the memory limit as any write is, and reading a payload allocates at most the memory limit
 * ({@link DumpFormat}); a {@code DUMP} past the output cap is refused as {@code MGET} is.
 */
final class DumpCommands {
  private static final Result.Error CHECKSUM = Result.error("DUMP payload version or checksum are wrong");
  private static final Result.Error BAD_FORMAT = Result.error("Bad data format");
  private static final Result.Error BUSYKEY =
      new Result.Error(ErrorKind.OTHER, "BUSYKEY Target key name already exists.");
  private static final Result.Error BAD_TTL = Result.error("Invalid TTL value, must be >= 0");
  private static final Result.Error BAD_IDLETIME = Result.error("Invalid IDLETIME value, must be >= 0");
  private static final Result.Error BAD_FREQ = Result.error("Invalid FREQ value, must be >= 0 and <= 255");
  private static final Result.Error TTL_TOO_LONG = Result.error("invalid expire time in 'restore' command");
  private final BlinkStore store;
  private final Deadlines deadlines;
  private final TypedKeys types;
  private final StoredValues values;
  private final UnixTime time;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxReplyBytes;

  <S extends BlinkStore & Deadlines> DumpCommands(S store, TypedKeys types, StoredValues values, UnixTime time,
      Leases leases, EntrySizeLimits sizeLimits, long maxReplyBytes) {
    this.store = store;
    this.deadlines = store;
    this.types = types;
    this.values = values;
    this.time = time;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxReplyBytes = maxReplyBytes;
  }

  void register(CommandTable commands) {
    commands.add("dump", 2, Keys.ONE, this::dump, READONLY);
    commands.add("restore", -4, Keys.ONE, this::restore, WRITE, DENYOOM);
  }

  /** {@code DUMP key}: the payload of its value, nil if it has none. */
  private Result dump(ClientState client, byte[][] args) {
    try {
      byte[] payload = payload(client.key(args[1]));
      return payload == null ? Result.NULL : new Result.Bulk(payload);
    } catch (Refused e) {
      return e.error;
    }
  }

  /**
   * The payload {@code DUMP} answers for {@code key}'s value ({@code MIGRATE} sends it too), or {@code null} if the
   * key has none.
   *
   * @throws Refused with the error {@code DUMP} answers: a type not dumped, a collection's payload past the output
   *     cap (a string's is one value, as large as the store takes, and its reply is sent in slices as the client
   *     reads: the transport's sliced replies)
   */
  byte @Nullable [] payload(String key) throws Refused {
    String type = types.type(key);
    DumpFormat.@Nullable Value value;
    try {
      value = type == null ? null : values.read(key, type, maxReplyBytes);
    } catch (ListReplies.TooLarge e) {
      throw new Refused(RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes));
    }
    if (value == null) {
      return null;
    }
    byte[] payload = DumpFormat.write(value);
    if (payload.length > maxReplyBytes && !(value instanceof DumpFormat.Text)) {
      throw new Refused(RespKeyCommands.replyTooLarge(payload.length, maxReplyBytes));
    }
    return payload;
  }

  /** A value {@link #payload} does not write, and the error that says why. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Result.Error error;

    Refused(Result.Error error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  /** {@code RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]}. */
  private Result restore(ClientState client, byte[][] args) {
    boolean replace = false;
    boolean absolute = false;
    boolean idle = false;
    boolean frequency = false;
    for (int j = 4; j < args.length; j++) {
      boolean more = j + 1 < args.length;
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("replace")) {
        replace = true;
      } else if (option.equals("absttl")) {
        absolute = true;
      } else if ((option.equals("idletime") && !frequency || option.equals("freq") && !idle) && more) {
        Long value = Arguments.integer(args[++j]);
        if (value == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        idle |= option.equals("idletime");
        frequency |= option.equals("freq");
        if (value < 0 || option.equals("freq") && value > 255) {
          return option.equals("freq") ? BAD_FREQ : BAD_IDLETIME;
        }
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    String key = client.key(args[1]);
    if (!replace && types.type(key) != null) {
      return BUSYKEY;
    }
    Long ttl = Arguments.integer(args[2]);
    if (ttl == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (ttl < 0) {
      return BAD_TTL;
    }
    if (!DumpFormat.verified(args[3])) {
      return CHECKSUM;
    }
    DumpFormat.Value value;
    try {
      value = DumpFormat.read(args[3], store.memoryLimit());
    } catch (DumpFormat.Malformed e) {
      return BAD_FORMAT;
    } catch (DumpFormat.TooLarge e) {
      return Dispatcher.AT_CAPACITY;
    }
    long unixMillis = ttl == 0 ? 0 : absolute ? ttl : time.nowMillis() + Math.min(ttl, Long.MAX_VALUE / 2);
    if (ttl != 0 && unixMillis - time.nowMillis() > BlinkStore.MAX_TTL.toMillis()) {
      return TTL_TOO_LONG;
    }
    return store(client, args[1], key, value, replace, unixMillis);
  }

  /**
   * Replaces the value of {@code key} (the key argument {@code keyArg}) with {@code value} until {@code unixMillis}
   * (0: for ever); nothing if that is past. Redis's events: {@code restore}, or {@code del} if only the replaced value
   * went.
   */
  private Result store(ClientState client, byte[] keyArg, String key, DumpFormat.Value value, boolean replace,
      long unixMillis) {
    sizeLimits.checkKey(key);
    leases.invalidate(key); // a fill lease granted before must not overwrite the restored value
    strings(value).forEach(bytes -> sizeLimits.checkLength(key, bytes.length));
    boolean deleted = replace && store.delete(key);
    if (unixMillis != 0 && unixMillis <= time.nowMillis()) {
      if (deleted) {
        client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", keyArg);
      }
      return Result.OK; // already expired: Redis stores nothing
    }
    long deadline = unixMillis == 0 ? Deadlines.NEVER : time.deadline(unixMillis);
    if (value instanceof DumpFormat.Text text) {
      deadlines.setUntil(key, text.value(), deadline);
      return client.notified(KeyspaceEvents.GENERIC, "restore", keyArg, Result.OK);
    }
    if (!values.write(key, value)) {
      return BAD_FORMAT;
    }
    if (deadline != Deadlines.NEVER) {
      deadlines.expireAt(key, deadline, Deadlines.Condition.ALWAYS);
    }
    return client.notified(KeyspaceEvents.GENERIC, "restore", keyArg, Result.OK);
  }

  /** The strings of {@code value} the entry limits hold to (a sorted set's members). */
  private static List<byte[]> strings(DumpFormat.Value value) {
    if (value instanceof DumpFormat.Text text) {
      return List.of(text.value());
    }
    return value instanceof DumpFormat.Hash hash ? hash.fieldsAndValues()
        : value instanceof DumpFormat.Items items ? items.elements()
        : value instanceof DumpFormat.Members members ? members.members() : ((DumpFormat.Scored) value).members();
  }
}
