package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.BLOCKING;
import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkList.End;
import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's blocking list pops: {@code BLPOP}, {@code BRPOP}, {@code BLMOVE}, {@code BRPOPLPUSH} and
 * {@code BLMPOP}. Each first does what its non-blocking form does on the first of its keys that has elements; if
 * none has, it blocks its client in {@link BlockedClients} until a write gives one of them elements, its timeout
 * (seconds, a float as Redis reads it; 0 waits for ever) passes, {@code CLIENT UNBLOCK} ends it, or the connection
 * closes. The reply is then the one the command would have given, or a null array at the timeout.
 *
 * <p>Inside {@code MULTI} (and for a connection that cannot wait, the REPL's) a blocking pop never blocks: with no
 * elements it answers at once as at its timeout, as Redis does for a client that may not block.
 */
final class RespBlockingCommands {
  private static final Result.Error TIMEOUT_NOT_A_FLOAT = Result.error("timeout is not a float or out of range");
  private static final Result.Error TIMEOUT_NEGATIVE = Result.error("timeout is negative");
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  /**
   * What the dispatcher answers for a request now blocked ({@link ClientState#blocked} says which): nothing is sent
   * for it until the request ends.
   */
  static final Result BLOCKED = new Result.NullArray();

  private final Function<String, BlinkList> lists;
  private final BlockedClients blocked;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxReplyBytes;

  /**
   * The blocking pops on the lists {@code lists} gives, holding their clients in {@code blocked}; a move ends the
   * fill lease ({@code leases}) of its destination, which it may create, and holds its key to {@code sizeLimits}; {@code BLMPOP}'s reply is refused, popping nothing, if it would pass {@code maxReplyBytes}
   * ({@link MultiPop}).
   */
  RespBlockingCommands(Function<String, BlinkList> lists, BlockedClients blocked, Leases leases,
      EntrySizeLimits sizeLimits, long maxReplyBytes) {
    this.lists = lists;
    this.blocked = blocked;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxReplyBytes = maxReplyBytes;
  }

  void register(CommandTable commands) {
    Keys allButTimeout = new Keys(1, -2, 1);
    commands.add("blpop", -3, allButTimeout, (c, a) -> pop(c, a, End.LEFT), WRITE, NOSCRIPT, BLOCKING);
    commands.add("brpop", -3, allButTimeout, (c, a) -> pop(c, a, End.RIGHT), WRITE, NOSCRIPT, BLOCKING);
    commands.add("blmove", 6, new Keys(1, 2, 1), this::blmove, WRITE, DENYOOM, NOSCRIPT, BLOCKING);
    commands.add("brpoplpush", 4, new Keys(1, 2, 1), (c, a) -> move(c, a, End.RIGHT, End.LEFT, a[3]), WRITE,
        DENYOOM, NOSCRIPT, BLOCKING);
    commands.add("blmpop", -5, Keys.NONE, this::blmpop, WRITE, BLOCKING, MOVABLEKEYS);
  }

  /**
   * The timeout {@code arg} gives in milliseconds as Redis's {@code getTimeoutFromObjectOrReply} reads seconds
   * (rounded up to a millisecond; an infinite one, or one past a {@code long}, is negative as its C cast makes it),
   * or the error Redis answers.
   */
  static Object timeoutMillis(byte[] arg) {
    LongDouble parsed = LongDouble.parse(arg);
    if (parsed == null) {
      return TIMEOUT_NOT_A_FLOAT;
    }
    if (parsed.infinite()) {
      return TIMEOUT_NEGATIVE;
    }
    BigDecimal millis;
    try {
      millis = new BigDecimal(Arguments.text(arg).trim()).multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
    } catch (NumberFormatException e) {
      millis = BigDecimal.valueOf(Double.parseDouble(hexFloat(Arguments.text(arg)))).multiply(THOUSAND)
          .setScale(0, RoundingMode.CEILING);
    }
    if (millis.signum() < 0 || millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return TIMEOUT_NEGATIVE;
    }
    return millis.longValueExact();
  }

  /** {@code 0x1.8} as Java reads hexadecimal floats, which need a binary exponent. */
  private static String hexFloat(String text) {
    return text.toLowerCase(Locale.ROOT).contains("p") ? text : text + "p0";
  }

  /** {@code BLPOP key ... timeout}: {@code [key, element]} from the first key with elements. */
  private Result pop(ClientState client, byte[][] args, End end) {
    Object timeout = timeoutMillis(args[args.length - 1]);
    if (timeout instanceof Result.Error error) {
      return error;
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (int i = 1; i < args.length - 1; i++) {
      keys.putIfAbsent(client.key(args[i]), args[i]);
    }
    BlockedRequest.Attempt attempt = key -> {
      byte[] element;
      try {
        element = listOrNothing(key) == null ? null : MultiPop.popOne(lists.apply(key), end, maxReplyBytes);
      } catch (ListReplies.TooLarge e) {
        return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
      }
      if (element == null) {
        return null;
      }
      RespListCommands.notifyPop(client, argument(keys, key), end, lists.apply(key));
      return new Result.Array(List.of(new Result.Bulk(argument(keys, key)), new Result.Bulk(element)));
    };
    return firstOrBlock(client, new ArrayList<>(keys.keySet()), attempt, (long) timeout, new Result.NullArray());
  }

  private Result blmove(ClientState client, byte[][] args) {
    End from = RespListCommands.end(args[3]);
    End to = RespListCommands.end(args[4]);
    return from == null || to == null ? RespKeyCommands.SYNTAX_ERROR : move(client, args, from, to, args[5]);
  }

  /** {@code BLMOVE source destination from to timeout}: the element moved. */
  private Result move(ClientState client, byte[][] args, End from, End to, byte[] timeoutArg) {
    Object timeout = timeoutMillis(timeoutArg);
    if (timeout instanceof Result.Error error) {
      return error;
    }
    String source = client.key(args[1]);
    String destination = RespListCommands.createdKey(client, args[2], leases, sizeLimits);
    BlockedRequest.Attempt attempt = key -> {
      BlinkList list = listOrNothing(key);
      if (list == null) {
        return null;
      }
      leases.invalidate(destination); // before the push may create it; a lease granted while this one waited too
      byte[] moved = list.move(from, destination, to); // WRONGTYPE now: the destination's
      if (moved == null) {
        return null;
      }
      RespListCommands.notifyMove(client, args, from, to, list);
      return new Result.Bulk(moved);
    };
    // Inside MULTI Redis answers a nil bulk string here, not the null array of its timeout.
    return firstOrBlock(client, List.of(source), attempt, (long) timeout, Result.NULL);
  }

  /** {@code BLMPOP timeout numkeys key ... LEFT|RIGHT [COUNT count]}: {@code [key, [element ...]]}. */
  private Result blmpop(ClientState client, byte[][] args) {
    Object parsed = MultiPop.parse(args, 2);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    Object timeout = timeoutMillis(args[1]);
    if (timeout instanceof Result.Error error) {
      return error;
    }
    MultiPop pop = (MultiPop) parsed;
    Map<String, byte[]> keys = new LinkedHashMap<>();
    pop.keys().forEach(key -> keys.putIfAbsent(client.key(key), key));
    BlockedRequest.Attempt attempt = key -> {
      BlinkList list = listOrNothing(key);
      return list == null ? null : pop.attempt(client, argument(keys, key), list, maxReplyBytes);
    };
    return firstOrBlock(client, new ArrayList<>(keys.keySet()), attempt, (long) timeout, new Result.NullArray());
  }

  /**
   * The list of {@code key} if it has elements, else {@code null}: a key that holds no list serves nobody and
   * keeps its clients blocked, as in Redis ({@code LPUSH}, {@code DEL}, {@code SET} in one {@code EXEC}), where a
   * blocking command's own first look answers {@code WRONGTYPE} ({@link #firstOrBlock}).
   */
  private @Nullable BlinkList listOrNothing(String key) {
    BlinkList list = lists.apply(key);
    try {
      return list.size() > 0 ? list : null;
    } catch (WrongTypeException e) {
      return null;
    }
  }

  /** The key argument of store key {@code key}, one of those it blocks on. */
  private static byte[] argument(Map<String, byte[]> keys, String key) {
    return Objects.requireNonNull(keys.get(key), "a key the request waits on");
  }

  /**
   * The reply of {@code attempt} on the first of {@code keys} that has elements; else, where the client may wait,
   * its {@link BlockedRequest} in {@link BlockedClients}, and where it may not, {@code notBlocked}.
   */
  private Result firstOrBlock(ClientState client, List<String> keys, BlockedRequest.Attempt attempt,
      long timeoutMillis, Result notBlocked) {
    for (String key : keys) {
      lists.apply(key).size(); // WRONGTYPE for a key of another type, in order, before anything blocks
      Result served = attempt.serve(key);
      if (served != null) {
        return served;
      }
    }
    if (client.transaction() != null || !client.mayBlock()) {
      return notBlocked;
    }
    Object request = blocked.block(client, keys, attempt, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    return request instanceof Result served ? served : BLOCKED;
  }
}
