package io.blinkstore.server.command;

import io.blinkstore.internal.Deadlines;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a write sends its replicas, as Redis 7.0 propagates it ({@code t_string.c}, {@code expire.c}, {@code t_set.c},
 * {@code t_list.c}, {@code t_zset.c}, {@code cluster.c}): the command as it came, or rewritten so that the replica,
 * replaying it later, makes the same change: relative expiries as absolute ones ({@code PEXPIREAT},
 * {@code SET ... PXAT}, {@code RESTORE ... ABSTTL}), an expiry in the past as {@code DEL}, {@code GETDEL} as
 * {@code DEL}, {@code GETEX} as {@code PEXPIREAT}, {@code PERSIST} or nothing, {@code GETSET} as {@code SET},
 * {@code INCRBYFLOAT} as {@code SET ... KEEPTTL}, {@code HINCRBYFLOAT} as {@code HSET}, {@code SPOP} as
 * {@code SREM}s or {@code DEL}, the blocking pops and {@code LMPOP}, {@code ZMPOP} as the non-blocking pops with the
 * count they popped. A command that failed or changed nothing sends nothing. Called with the key's value as the
 * command left it (the caller holds the gate exclusive), so an absolute deadline is read back from the store.
 */
final class Propagation {
  /** Writes whose integer reply 0 (or less) says they changed nothing. */
  private static final Set<String> NONE_IF_ZERO = Set.of("del", "unlink", "expire", "pexpire", "expireat",
      "pexpireat", "persist", "hdel", "srem", "zrem", "sadd", "lrem", "smove", "hsetnx", "setnx", "msetnx",
      "renamenx", "move", "copy", "lpushx", "rpushx", "zremrangebyscore", "zremrangebyrank", "zremrangebylex",
      "linsert");

  /** Writes whose nil (or empty) reply says they changed nothing. */
  private static final Set<String> NONE_IF_NIL = Set.of("getdel", "getex", "lpop", "rpop", "spop", "zpopmin",
      "zpopmax", "lmpop", "zmpop", "lmove", "rpoplpush", "blpop", "brpop", "blmove", "brpoplpush", "bzpopmin",
      "bzpopmax", "blmpop", "bzmpop");

  /** {@code SET}'s expiry options: Redis sends every {@code SET} with one as {@code SET key value PXAT ms}. */
  private static final Set<String> EXPIRING_SET = Set.of("ex", "px", "exat", "pxat");

  private final Deadlines deadlines;
  private final UnixTime time;

  Propagation(Deadlines deadlines, UnixTime time) {
    this.deadlines = deadlines;
    this.time = time;
  }

  /** The commands that carry the effect of {@code args}, which answered {@code result}; none if it had none. */
  List<byte[][]> of(String name, ClientState client, byte[][] args, Result result) {
    if (result instanceof Result.Error || NONE_IF_ZERO.contains(name) && result instanceof Result.Int n
        && n.value() <= 0 || NONE_IF_NIL.contains(name) && empty(result)) {
      return List.of();
    }
    return switch (name) {
      case "set" -> set(client, args, result);
      case "setex", "psetex" -> one(setAt(client, args[1], args[3]));
      case "getex" -> getex(client, args);
      case "getdel" -> one(args("DEL", args[1]));
      case "getset" -> one(args("SET", args[1], args[2]));
      case "expire", "pexpire", "expireat", "pexpireat" -> one(expireAt(client, args[1]));
      case "incrbyfloat" -> one(args("SET", args[1], bulk(result), ascii("KEEPTTL")));
      case "hincrbyfloat" -> one(args("HSET", args[1], args[2], bulk(result)));
      case "spop" -> spop(client, args, result);
      case "restore" -> restore(client, args);
      case "migrate" -> List.of(); // its deletes are sent as DEL when they happen, on its thread (MigrateCommand)
      case "blpop", "brpop" -> one(args(name.substring(1).toUpperCase(Locale.ROOT), element(result, 0)));
      case "bzpopmin", "bzpopmax" -> one(args(name.substring(1).toUpperCase(Locale.ROOT), element(result, 0)));
      case "blmove" -> one(args("LMOVE", args[1], args[2], args[3], args[4]));
      case "brpoplpush" -> one(args("RPOPLPUSH", args[1], args[2]));
      case "lmpop", "blmpop", "zmpop", "bzmpop" -> one(multiPop(name, args, result));
      default -> one(args);
    };
  }

  private static boolean empty(Result result) {
    return result instanceof Result.Nil || result instanceof Result.NullArray
        || result instanceof Result.Bulk bulk && bulk.bytes() == null
        || result instanceof Result.Array array && array.elements().isEmpty();
  }

  /** {@code SET}: without {@code GET}; with an expiry, {@code SET key value PXAT ms}; nothing if not set. */
  private List<byte[][]> set(ClientState client, byte[][] args, Result result) {
    boolean get = false;
    boolean expiring = false;
    List<byte[]> kept = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String word = i >= 3 ? Arguments.lowerCase(args[i]) : "";
      get |= word.equals("get");
      expiring |= EXPIRING_SET.contains(word);
      if (!word.equals("get")) {
        kept.add(args[i]);
      }
    }
    if (!get && empty(result)) {
      return List.of(); // NX or XX refused it
    }
    if (expiring) { // a time already past left no key: the replica must lose the value it had too
      return deadlines.deadline(client.key(args[1])) == Deadlines.ABSENT ? one(args("DEL", args[1]))
          : one(setAt(client, args[1], args[2]));
    }
    return one(kept.toArray(byte[][]::new));
  }

  private byte[][] setAt(ClientState client, byte[] key, byte[] value) {
    long deadline = deadlines.deadline(client.key(key));
    return deadline == Deadlines.ABSENT || deadline == Deadlines.NEVER ? args("SET", key, value)
        : args("SET", key, value, ascii("PXAT"), ascii(Long.toString(time.unixMillis(deadline))));
  }

  /** The key's deadline now: {@code PEXPIREAT key ms}, or {@code DEL key} if that deleted it. */
  private byte[][] expireAt(ClientState client, byte[] key) {
    long deadline = deadlines.deadline(client.key(key));
    if (deadline == Deadlines.ABSENT) {
      return args("DEL", key);
    }
    return deadline == Deadlines.NEVER ? args("PERSIST", key)
        : args("PEXPIREAT", key, ascii(Long.toString(time.unixMillis(deadline))));
  }

  private List<byte[][]> getex(ClientState client, byte[][] args) {
    for (int i = 2; i < args.length; i++) {
      String word = Arguments.lowerCase(args[i]);
      if (word.equals("persist")) {
        return one(args("PERSIST", args[1]));
      }
      if (Set.of("ex", "px", "exat", "pxat").contains(word)) {
        return one(expireAt(client, args[1]));
      }
    }
    return List.of(); // GETEX without an option writes nothing
  }

  /** {@code SPOP key}: {@code SREM key member}; with a count, one {@code SREM} each, or {@code DEL} if it took all. */
  private List<byte[][]> spop(ClientState client, byte[][] args, Result result) {
    if (result instanceof Result.Bulk bulk) {
      return one(args("SREM", args[1], bulk(bulk)));
    }
    if (deadlines.deadline(client.key(args[1])) == Deadlines.ABSENT) {
      return one(args("DEL", args[1]));
    }
    List<Result> members = result instanceof Result.Set set ? set.elements() : ((Result.Array) result).elements();
    List<byte[][]> srems = new ArrayList<>(members.size());
    for (Result member : members) {
      srems.add(args("SREM", args[1], bulk(member)));
    }
    return srems;
  }

  /** {@code RESTORE} with a relative TTL: the same with the Unix time it ends at and {@code ABSTTL}. */
  private List<byte[][]> restore(ClientState client, byte[][] args) {
    for (int i = 4; i < args.length; i++) {
      if (Arguments.lowerCase(args[i]).equals("absttl")) {
        return one(args);
      }
    }
    long deadline = deadlines.deadline(client.key(args[1]));
    if (Long.valueOf(0).equals(Arguments.integer(args[2])) || deadline == Deadlines.ABSENT
        || deadline == Deadlines.NEVER) {
      return one(args);
    }
    byte[][] absolute = Arrays.copyOf(args, args.length + 1);
    absolute[2] = ascii(Long.toString(time.unixMillis(deadline)));
    absolute[args.length] = ascii("ABSTTL");
    return one(absolute);
  }

  /** {@code [B]LMPOP} and {@code [B]ZMPOP}: {@code LPOP|RPOP|ZPOPMIN|ZPOPMAX key count}, the count popped. */
  private static byte[][] multiPop(String name, byte[][] args, Result result) {
    List<Result> keyAndItems = ((Result.Array) result).elements();
    int popped = ((Result.Array) keyAndItems.get(1)).elements().size();
    boolean list = name.endsWith("lmpop");
    int numkeys = name.startsWith("b") ? 2 : 1; // BLMPOP and BZMPOP have their timeout first
    String where = Arguments.lowerCase(args[numkeys + 1 + Integer.parseInt(Arguments.lowerCase(args[numkeys]))]);
    boolean left = where.equals("left") || where.equals("min");
    String pop = list ? (left ? "LPOP" : "RPOP") : (left ? "ZPOPMIN" : "ZPOPMAX");
    return args(pop, bulk(keyAndItems.get(0)), ascii(Integer.toString(popped)));
  }

  private static byte[] element(Result result, int index) {
    return bulk(((Result.Array) result).elements().get(index));
  }

  private static byte[] bulk(Result result) {
    ByteBuffer held = result instanceof Result.Bulk bulk ? bulk.bytes() : null;
    if (held != null) {
      ByteBuffer bytes = held.duplicate();
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      return copy;
    }
    if (result instanceof Result.Double number) {
      return ascii(number.text());
    }
    if (result instanceof Result.Stored stored) {
      return stored.copy().array();
    }
    throw new IllegalStateException("not a string reply: " + result);
  }

  private static List<byte[][]> one(byte[][] command) {
    return Collections.singletonList(command);
  }

  private static byte[][] args(String name, byte[]... rest) {
    byte[][] args = new byte[rest.length + 1][];
    args[0] = ascii(name);
    System.arraycopy(rest, 0, args, 1, rest.length);
    return args;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
