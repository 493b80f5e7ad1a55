package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.READONLY;

import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code SCAN}, {@code KEYS} and {@code RANDOMKEY} in the connection's database, over the store's {@link Keyspace}
 * (docs/design-keyspace-transactions.md, section 2). Keys come back as the RESP bytes they were written with
 * ({@link RespKeys#bytes}); {@code MATCH} and {@code KEYS} patterns are Redis's ({@link GlobPattern}).
 *
 * <p>Where Redis's cursor is a position in its hash table, ours names a live iterator: it is a different number
 * at each step, and an unknown or expired one gets {@link #UNKNOWN_CURSOR} (docs/resp.md). A store that is not
 * the in-process one (the server can serve any {@code BlinkStore}) has no keyspace to list, and these commands
 * answer {@link #NO_KEYSPACE}.
 *
 * <p><b>Reply size.</b> A {@code KEYS} reply, and a {@code SCAN} step's, that would pass the server's output cap
 * is refused like an {@code MGET}'s ({@link RespKeyCommands#replyTooLarge}) rather than built; {@code KEYS} stops
 * collecting as soon as it knows. A step returns at most {@link #MAX_COUNT} keys, whatever {@code COUNT} asks.
 */
final class RespScanCommands {
  /** The reply to a cursor that is not live: never issued, already used, or dropped. */
  static final Result.Error UNKNOWN_CURSOR =
      Result.error("unknown or expired SCAN cursor: start the iteration again from cursor 0");

  static final Result.Error NO_KEYSPACE = Result.error("this store cannot list its keys");

  /** The most keys one SCAN step returns. */
  static final int MAX_COUNT = 100_000;

  private static final Result.Error INVALID_CURSOR = Result.error("invalid cursor");
  private static final byte[] ALL = {'*'};

  private final @Nullable Keyspace keyspace;
  private final long maxReplyBytes;
  private final @Nullable TypedKeys types;

  /**
   * The commands over {@code keyspace} ({@code null}: a store without one), whose keys' types {@code types} tells
   * ({@code null}: strings only); replies of at most {@code maxReplyBytes}.
   */
  RespScanCommands(@Nullable Keyspace keyspace, long maxReplyBytes, @Nullable TypedKeys types) {
    this.keyspace = keyspace;
    this.maxReplyBytes = maxReplyBytes;
    this.types = types;
  }

  void register(CommandTable commands) {
    commands.add("scan", -2, Keys.NONE, this::scan, READONLY);
    commands.add("keys", 2, Keys.NONE, this::keys, READONLY);
    commands.add("randomkey", 1, Keys.NONE, this::randomKey, READONLY);
  }

  /** {@code SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]}, its arguments checked in Redis's order. */
  private Result scan(ClientState client, byte[][] args) {
    Long cursor = cursor(args[1]);
    if (cursor == null) {
      return INVALID_CURSOR;
    }
    long count = 10;
    byte[] pattern = ALL;
    byte[] type = null;
    for (int i = 2; i < args.length; i += 2) {
      String option = Arguments.lowerCase(args[i]);
      if (i + 1 == args.length) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      switch (option) {
        case "count" -> {
          Long parsed = Arguments.integer(args[i + 1]);
          if (parsed == null) {
            return RespKeyCommands.NOT_AN_INTEGER;
          }
          if (parsed < 1) {
            return RespKeyCommands.SYNTAX_ERROR;
          }
          count = parsed;
        }
        case "match" -> pattern = args[i + 1];
        case "type" -> type = args[i + 1];
        default -> {
          return RespKeyCommands.SYNTAX_ERROR;
        }
      }
    }
    if (keyspace == null) {
      return NO_KEYSPACE;
    }
    Keyspace.Step step = keyspace.scan(client.namespace(), cursor, (int) Math.min(count, MAX_COUNT));
    if (step == null) {
      return UNKNOWN_CURSOR;
    }
    String wanted = type == null ? null : Arguments.lowerCase(type);
    List<Result> keys = new ArrayList<>();
    long replyBytes = 0;
    for (String key : step.keys()) {
      byte[] bytes = RespKeys.bytes(key);
      if (matches(pattern, bytes) && (wanted == null || wanted.equals(typeOf(client, key)))) {
        keys.add(new Result.Bulk(bytes));
        replyBytes += bulkLength(bytes.length);
      }
    }
    if (replyBytes > maxReplyBytes) {
      return RespKeyCommands.replyTooLarge(replyBytes, maxReplyBytes);
    }
    return new Result.Array(List.of(Result.bulk(Long.toUnsignedString(step.cursor())), new Result.Array(keys)));
  }

  /** {@code KEYS pattern}: every live key matching it, in one pass. */
  private Result keys(ClientState client, byte[][] args) {
    if (keyspace == null) {
      return NO_KEYSPACE;
    }
    byte[] pattern = args[1];
    List<Result> keys = new ArrayList<>();
    long[] replyBytes = {0};
    keyspace.forEachKey(client.namespace(), key -> {
      byte[] bytes = RespKeys.bytes(key);
      if (matches(pattern, bytes)) {
        keys.add(new Result.Bulk(bytes));
        replyBytes[0] += bulkLength(bytes.length);
      }
      return replyBytes[0] <= maxReplyBytes;
    });
    if (replyBytes[0] > maxReplyBytes) {
      return RespKeyCommands.replyTooLarge(replyBytes[0], maxReplyBytes);
    }
    return new Result.Array(keys);
  }

  private Result randomKey(ClientState client, byte[][] args) {
    if (keyspace == null) {
      return NO_KEYSPACE;
    }
    String key = keyspace.randomKey(client.namespace());
    return key == null ? Result.NULL : new Result.Bulk(RespKeys.bytes(key));
  }

  /** The type of a key {@code SCAN} returned, as {@code TYPE} names it; a key gone meanwhile has none. */
  private @Nullable String typeOf(ClientState client, String key) {
    return KeyTypes.type(types, Namespaces.key(client.namespace(), key), true);
  }

  private static boolean matches(byte[] pattern, byte[] key) {
    return pattern.length == 1 && pattern[0] == '*' || GlobPattern.matches(pattern, key);
  }

  /** The bytes of a bulk string of {@code length} bytes in a reply: {@code $<length>\r\n<bytes>\r\n}. */
  private static long bulkLength(int length) {
    return 1 + Integer.toString(length).length() + 2 + length + 2;
  }

  /**
   * The cursor Redis reads with {@code strtoul}: decimal digits, at most 2^64 - 1; empty is 0. A sign or
   * surrounding space is refused here, as no client sends one.
   */
  private static @Nullable Long cursor(byte[] arg) {
    if (arg.length == 0) {
      return 0L;
    }
    for (byte b : arg) {
      if (b < '0' || b > '9') {
        return null;
      }
    }
    try {
      return Long.parseUnsignedLong(new String(arg, StandardCharsets.US_ASCII));
    } catch (NumberFormatException tooLarge) {
      return null;
    }
  }
}
