package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.Sets;
import io.blinkstore.internal.Sets.Op;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's set commands ({@code SADD} ... {@code SUNIONSTORE}, {@code t_set.c}) over the store's {@link Sets},
 * with Redis's replies and errors in Redis's order (an argument Redis parses before it looks a key up is checked
 * first here too): {@code SMEMBERS}, {@code SINTER}, {@code SUNION}, {@code SDIFF} and {@code SPOP} with a count
 * answer a set ({@code ~}) in RESP3, {@code SRANDMEMBER} with a count an array; a key of another type
 * {@code -WRONGTYPE}; a write past the memory limit {@code -OOM} and no change. Every write that may create a key
 * first ends its fill lease and is held to the entry size limits, each member as a value. Replies of many members
 * that would pass the connection's output cap are refused before they are built (and an {@code SPOP} then pops
 * nothing). The commands on several keys run with the store's gate held exclusive
 * ({@link RespTransactionCommands}), so no other command sees them half done.
 */
final class RespSetTypeCommands {
  private static final Result.Error LIMIT_NEGATIVE = Result.error("LIMIT can't be negative");
  private static final Result.Error TOO_MANY_KEYS = Result.error("Number of keys can't be greater than number of args");
  private static final Result.Error INVALID_CURSOR = Result.error("invalid cursor");
  private static final Result.Error COUNT_RANGE =
      Result.error("value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
  private static final Result EMPTY_SCAN = new Result.Array(List.of(Result.bulk("0"), new Result.Array(List.of())));

  private final Sets sets;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxReplyBytes;

  /**
   * The commands over {@code sets}, whose writes that may create a key end the fill leases of {@code leases} and are
   * held to {@code sizeLimits}, and whose replies are at most {@code maxReplyBytes}.
   */
  RespSetTypeCommands(Sets sets, Leases leases, EntrySizeLimits sizeLimits, long maxReplyBytes) {
    this.sets = sets;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxReplyBytes = maxReplyBytes;
  }

  /**
   * Registers the commands in {@code commands}, and makes {@code CONFIG SET set-max-intset-entries} live in
   * {@code config}: the most members of a set kept as an intset, for the sets written after.
   */
  void register(CommandTable commands, ServerConfig config) {
    config.live("set-max-intset-entries", new LiveSetting() {
      @Override
      public @Nullable String refusal(long value) {
        return null;
      }

      @Override
      public void apply(long value) {
        sets.maxIntsetEntries(value);
      }
    });
    commands.add("sadd", -3, Keys.ONE, this::sadd, WRITE, DENYOOM, FAST);
    commands.add("srem", -3, Keys.ONE, this::srem, WRITE, FAST);
    commands.add("sismember", 3, Keys.ONE, (c, a) -> bool(sets.contains(c.key(a[1]), a[2])), READONLY, FAST);
    commands.add("smismember", -3, Keys.ONE, this::smismember, READONLY, FAST);
    commands.add("scard", 2, Keys.ONE, (c, a) -> new Result.Int(sets.size(c.key(a[1]))), READONLY, FAST);
    commands.add("smembers", 2, Keys.ONE, (c, a) -> set(sets.members(c.key(a[1]), maxReplyBytes)), READONLY);
    commands.add("srandmember", -2, Keys.ONE, this::srandmember, READONLY);
    commands.add("spop", -2, Keys.ONE, this::spop, WRITE, FAST);
    commands.add("sscan", -3, Keys.ONE, this::sscan, READONLY);
    commands.add("smove", 4, new Keys(1, 2, 1), this::smove, WRITE, FAST);
    Keys all = new Keys(1, -1, 1);
    commands.add("sinter", -2, all, (c, a) -> combine(c, a, Op.INTER), READONLY);
    commands.add("sunion", -2, all, (c, a) -> combine(c, a, Op.UNION), READONLY);
    commands.add("sdiff", -2, all, (c, a) -> combine(c, a, Op.DIFF), READONLY);
    commands.add("sinterstore", -3, all, (c, a) -> store(c, a, Op.INTER), WRITE, DENYOOM);
    commands.add("sunionstore", -3, all, (c, a) -> store(c, a, Op.UNION), WRITE, DENYOOM);
    commands.add("sdiffstore", -3, all, (c, a) -> store(c, a, Op.DIFF), WRITE, DENYOOM);
    commands.add("sintercard", -3, Keys.NONE, this::sintercard, READONLY, MOVABLEKEYS);
  }

  private static Result bool(boolean value) {
    return new Result.Int(value ? 1 : 0);
  }

  /** A set reply ({@code ~} in RESP3), or the output cap's refusal for {@code null}. */
  private Result set(@Nullable List<byte[]> members) {
    return members == null ? RespKeyCommands.replyTooLarge(maxReplyBytes + 1, maxReplyBytes)
        : new Result.Set(RespListCommands.bulks(members).elements());
  }

  /** The store key of a key a write may create, checked against the key limit, its fill lease ended. */
  private String createdKey(ClientState client, byte[] key) {
    return RespListCommands.createdKey(client, key, leases, sizeLimits);
  }

  /** {@code SADD key member ...}: the number of new members. */
  private Result sadd(ClientState client, byte[][] args) {
    String key = createdKey(client, args[1]);
    for (int i = 2; i < args.length; i++) {
      sizeLimits.checkLength(key, args[i].length); // all checked before any is stored
    }
    long added = sets.add(key, args, 2);
    if (added > 0) {
      client.notifyKeyspace(KeyspaceEvents.SET, "sadd", args[1]);
    }
    return new Result.Int(added);
  }

  /** {@code SREM key member ...}: the number of members removed. */
  private Result srem(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    long removed = sets.remove(key, args, 2);
    notifyRemoval(client, "srem", args[1], key, removed > 0);
    return new Result.Int(removed);
  }

  /** Redis's events of a removal from the set at {@code key} ({@link ClientState#notifyRemoval}) if it removed any. */
  private void notifyRemoval(ClientState client, String event, byte[] key, String storeKey, boolean removed) {
    if (removed && client.notifying(KeyspaceEvents.SET | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.SET, event, key, sets.size(storeKey) == 0);
    }
  }

  private Result smismember(ClientState client, byte[][] args) {
    List<Result> found = new ArrayList<>(args.length - 2);
    for (boolean member : sets.containsEach(client.key(args[1]), args, 2)) {
      found.add(bool(member));
    }
    return new Result.Array(found);
  }

  /** {@code SRANDMEMBER key [count]}: one member (nil if absent), or with a count an array. */
  private Result srandmember(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (args.length == 2) {
      byte[] member = sets.random(client.key(args[1]));
      return member == null ? Result.NULL : new Result.Bulk(member);
    }
    Long count = Arguments.integer(args[2]);
    if (count == null || count == Long.MIN_VALUE) {
      return count == null ? RespKeyCommands.NOT_AN_INTEGER : COUNT_RANGE;
    }
    List<byte[]> picked = sets.random(client.key(args[1]), count, maxReplyBytes);
    return picked == null ? RespKeyCommands.replyTooLarge(maxReplyBytes + 1, maxReplyBytes)
        : RespListCommands.bulks(picked);
  }

  /** {@code SPOP key [count]}: one member (nil if absent), or with a count a set. */
  private Result spop(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (args.length == 2) {
      String key = client.key(args[1]);
      byte[] member = sets.pop(key);
      notifyRemoval(client, "spop", args[1], key, member != null);
      return member == null ? Result.NULL : new Result.Bulk(member);
    }
    Long count = Arguments.integer(args[2]);
    if (count == null || count < 0) {
      return RespListCommands.NOT_POSITIVE; // Redis's getPositiveLongFromObjectOrReply answers this for both
    }
    String key = client.key(args[1]);
    if (count == 0) {
      sets.size(key); // WRONGTYPE for a key of another type, as Redis checks it before it answers
      return new Result.Set(List.of());
    }
    List<byte[]> popped = sets.pop(key, count, maxReplyBytes);
    notifyRemoval(client, "spop", args[1], key, popped != null && !popped.isEmpty());
    return set(popped);
  }

  /**
   * {@code SSCAN key cursor [MATCH pattern] [COUNT count]}: Redis's order of checks (the cursor, then the key and
   * its type, then the options); the pattern filters members.
   */
  private Result sscan(ClientState client, byte[][] args) {
    Long cursor = RespScanCommands.cursor(args[2]);
    if (cursor == null) {
      return INVALID_CURSOR;
    }
    String key = client.key(args[1]);
    if (sets.size(key) == 0) {
      return EMPTY_SCAN;
    }
    Object parsed = ScanOptions.parse(args, RespScanCommands.MAX_COUNT);
    if (!(parsed instanceof ScanOptions options)) {
      return (Result.Error) parsed;
    }
    Sets.Step step = sets.scan(key, cursor, options.count());
    List<Result> found = new ArrayList<>();
    for (byte[] member : step.members()) {
      if (options.matches(member)) {
        found.add(new Result.Bulk(member));
      }
    }
    return new Result.Array(List.of(Result.bulk(Long.toUnsignedString(step.cursor())), new Result.Array(found)));
  }

  /** {@code SMOVE source destination member}: 1 if moved, 0 if not in the source. */
  private Result smove(ClientState client, byte[][] args) {
    String destination = createdKey(client, args[2]);
    sizeLimits.checkLength(destination, args[3].length);
    String source = client.key(args[1]);
    // Whether the destination had the member (no sadd then), asked only of a move that will happen: a missing
    // source answers 0 before Redis's smoveCommand looks at the destination's type.
    boolean had = !source.equals(destination) && client.notifying(KeyspaceEvents.SET)
        && sets.contains(source, args[3]) && sets.contains(destination, args[3]);
    boolean moved = sets.move(source, destination, args[3]);
    if (moved && !source.equals(destination)) { // Redis's smoveCommand's events
      notifyRemoval(client, "srem", args[1], source, true);
      if (!had) {
        client.notifyKeyspace(KeyspaceEvents.SET, "sadd", args[2]);
      }
    }
    return bool(moved);
  }

  private static List<String> keys(ClientState client, byte[][] args, int from, int to) {
    List<String> keys = new ArrayList<>(to - from);
    for (byte[] key : Arrays.copyOfRange(args, from, to)) {
      keys.add(client.key(key));
    }
    return keys;
  }

  /** {@code SINTER}, {@code SUNION}, {@code SDIFF key ...}: a set. */
  private Result combine(ClientState client, byte[][] args, Op op) {
    return set(sets.combine(op, keys(client, args, 1, args.length), maxReplyBytes));
  }

  /** {@code SINTERSTORE}, {@code SUNIONSTORE}, {@code SDIFFSTORE destination key ...}: the size stored. */
  private Result store(ClientState client, byte[][] args, Op op) {
    String destination = createdKey(client, args[1]);
    boolean existed = client.notifying(KeyspaceEvents.GENERIC) && exists(destination);
    long stored = sets.store(op, destination, keys(client, args, 2, args.length));
    if (stored > 0) {
      client.notifyKeyspace(KeyspaceEvents.SET, op == Op.INTER ? "sinterstore"
          : op == Op.UNION ? "sunionstore" : "sdiffstore", args[1]);
    } else if (existed) { // an empty result deletes the destination, as Redis's
      client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", args[1]);
    }
    return new Result.Int(stored);
  }

  /** Whether {@code key} holds a value, of any type. */
  private boolean exists(String key) {
    try {
      return sets.size(key) > 0;
    } catch (WrongTypeException e) {
      return true;
    }
  }

  /** {@code SINTERCARD numkeys key ... [LIMIT limit]}. */
  private Result sintercard(ClientState client, byte[][] args) {
    Long numkeys = Arguments.integer(args[1]);
    if (numkeys == null || numkeys < 1) {
      return RespListCommands.NUMKEYS;
    }
    if (numkeys > args.length - 2) {
      return TOO_MANY_KEYS;
    }
    long limit = 0;
    for (int i = 2 + numkeys.intValue(); i < args.length; i++) {
      if (!Arguments.lowerCase(args[i]).equals("limit") || i + 1 == args.length) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      Long parsed = Arguments.integer(args[++i]);
      if (parsed == null || parsed < 0) {
        return LIMIT_NEGATIVE;
      }
      limit = parsed;
    }
    return new Result.Int(sets.intersectionSize(keys(client, args, 2, 2 + numkeys.intValue()), limit));
  }
}
