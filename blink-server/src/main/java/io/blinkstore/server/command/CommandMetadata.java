package io.blinkstore.server.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code COMMAND INFO} reports of a command beyond what the {@link CommandTable} needs to run it, as Redis
 * 7.0's table ({@code src/commands/*.json}) declares it for the commands both have: its explicit ACL categories
 * (the implicit ones, {@code @write}, {@code @read}, {@code @fast}/{@code @slow}, {@code @admin}, follow from its
 * {@link CommandFlag flags} as in Redis), its tips for cluster clients, and its key specifications. A command
 * declared here by no line (ours alone, {@code GETL}) gets no explicit category, no tips, and key specifications
 * derived from its {@link CommandSpec.Keys}.
 */
final class CommandMetadata {

  /**
   * One key specification of the kinds Redis's commands of ours use: the first key at argument {@code index},
   * then every {@code keystep}-th up to {@code lastkey} (0 just the one, -1 to the last argument); or, with a
   * {@link Keynum} ({@code LMPOP}), as many as the argument it points at counts. Index 0 (the command's name,
   * never a key) stands for Redis's {@code unknown} search ({@code SORT}'s {@code BY}, {@code GET}, {@code STORE}):
   * its keys are found by the command's own rule ({@link SortOptions#keyPositions}). With a {@code keyword}, the
   * search begins after that word, looked for from argument {@code index} on.
   */
  record KeySpec(@Nullable String notes, List<String> flags, int index, int lastkey, int keystep,
      @Nullable Keynum keynum, @Nullable String keyword) {
    KeySpec(@Nullable String notes, List<String> flags, int index, int lastkey, int keystep) {
      this(notes, flags, index, lastkey, keystep, null, null);
    }

    KeySpec(@Nullable String notes, List<String> flags, int index, int lastkey, int keystep,
        @Nullable Keynum keynum) {
      this(notes, flags, index, lastkey, keystep, keynum, null);
    }

    /**
     * The key after the first {@code keyword} (any case) from argument {@code startfrom} on, as Redis's
     * {@code keyword} search ({@code GEORADIUS}'s {@code STORE}).
     */
    static KeySpec afterKeyword(String keyword, int startfrom, List<String> flags) {
      return new KeySpec(null, flags, startfrom, 0, 1, null, keyword);
    }
  }

  /** Keys counted by an argument: the count at {@code index + keynumidx}, the keys from {@code index + firstkey}. */
  record Keynum(int keynumidx, int firstkey) {}

  /** A command's explicit ACL categories (without {@code @}), tips and key specifications. */
  record Meta(List<String> categories, List<String> tips, List<KeySpec> keySpecs) {}

  private static final List<String> MULTI_SHARD = List.of("request_policy:multi_shard");
  private static final List<String> MULTI_SHARD_SUM =
      List.of("request_policy:multi_shard", "response_policy:agg_sum");
  private static final List<String> ALL_SHARDS_SUM = List.of("request_policy:all_shards", "response_policy:agg_sum");
  private static final List<String> ALL_SHARDS_OK =
      List.of("request_policy:all_shards", "response_policy:all_succeeded");
  private static final List<String> NONDETERMINISTIC = List.of("nondeterministic_output");
  private static final List<String> ANY_ORDER = List.of("nondeterministic_output_order");

  private static final Map<String, Meta> BY_NAME = new HashMap<>();

  static {
    oneKey("get", "string", List.of(), null, "RO", "access");
    oneKey("set", "string", List.of(), "RW and ACCESS due to the optional `GET` argument",
        "RW", "access", "update", "variable_flags");
    oneKey("setnx", "string", List.of(), null, "OW", "insert");
    oneKey("setex", "string", List.of(), null, "OW", "update");
    oneKey("psetex", "string", List.of(), null, "OW", "update");
    oneKey("getex", "string", List.of(), "RW and UPDATE because it changes the TTL", "RW", "access", "update");
    oneKey("getdel", "string", List.of(), null, "RW", "access", "delete");
    oneKey("getset", "string", List.of(), null, "RW", "access", "update");
    oneKey("append", "string", List.of(), null, "RW", "insert");
    oneKey("strlen", "string", List.of(), null, "RO");
    oneKey("getrange", "string", List.of(), null, "RO", "access");
    oneKey("substr", "string", List.of(), null, "RO", "access");
    oneKey("setrange", "string", List.of(), null, "RW", "update");
    keys("msetnx", "string", List.of("request_policy:multi_shard", "response_policy:agg_min"),
        new KeySpec(null, List.of("OW", "insert"), 1, -1, 2));
    oneKey("incrbyfloat", "string", List.of(), null, "RW", "access", "update");
    oneKey("setbit", "bitmap", List.of(), null, "RW", "access", "update");
    for (String read : List.of("getbit", "bitcount", "bitpos")) {
      oneKey(read, "bitmap", List.of(), null, "RO", "access");
    }
    keys("lcs", "string", List.of(), new KeySpec(null, List.of("RO", "access"), 1, 1, 1));
    for (String counter : List.of("incr", "decr", "incrby", "decrby")) {
      oneKey(counter, "string", List.of(), null, "RW", "access", "update");
    }
    keys("mget", "string", MULTI_SHARD, new KeySpec(null, List.of("RO", "access"), 1, -1, 1));
    keys("mset", "string", List.of("request_policy:multi_shard", "response_policy:all_succeeded"),
        new KeySpec(null, List.of("OW", "update"), 1, -1, 2));
    keys("del", "keyspace", MULTI_SHARD_SUM, new KeySpec(null, List.of("RM", "delete"), 1, -1, 1));
    keys("exists", "keyspace", MULTI_SHARD_SUM,
        new KeySpec(null, List.of("RO"), 1, -1, 1));
    keys("dbsize", "keyspace", ALL_SHARDS_SUM);
    keys("flushall", "keyspace dangerous", ALL_SHARDS_OK);
    keys("flushdb", "keyspace dangerous", ALL_SHARDS_OK);
    keys("swapdb", "keyspace dangerous", List.of());
    for (String name : List.of("multi", "exec", "discard", "unwatch")) {
      keys(name, "transaction", List.of());
    }
    keys("watch", "transaction", List.of(), new KeySpec(null, List.of("RO"), 1, -1, 1));
    oneKey("move", "keyspace", List.of(), null, "RW", "access", "update");
    oneKey("type", "keyspace", List.of(), null, "RO");
    keys("touch", "keyspace", MULTI_SHARD_SUM, new KeySpec(null, List.of("RO"), 1, -1, 1));
    keys("unlink", "keyspace", MULTI_SHARD_SUM, new KeySpec(null, List.of("RM", "delete"), 1, -1, 1));
    keys("rename", "keyspace", List.of(), new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1),
        new KeySpec(null, List.of("OW", "update"), 2, 0, 1));
    keys("renamenx", "keyspace", List.of(), new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1),
        new KeySpec(null, List.of("OW", "insert"), 2, 0, 1));
    keys("copy", "keyspace", List.of(), new KeySpec(null, List.of("RO", "access"), 1, 0, 1),
        new KeySpec(null, List.of("OW", "update"), 2, 0, 1));
    keys("migrate", "keyspace dangerous", NONDETERMINISTIC,
        new KeySpec(null, List.of("RW", "access", "delete"), 3, 0, 1),
        new KeySpec(null, List.of("RW", "access", "delete", "incomplete"), -2, -1, 1, null, "KEYS"));
    for (String name : List.of("object|encoding", "object|freq", "object|idletime", "object|refcount")) {
      keys(name, "keyspace", NONDETERMINISTIC, new KeySpec(null, List.of("RO"), 2, 0, 1));
    }
    keys("object|help", "keyspace", List.of());
    keys("memory|usage", "", List.of(), new KeySpec(null, List.of("RO"), 2, 0, 1));
    keys("memory|help", "", List.of());
    keys("scan", "keyspace", List.of("nondeterministic_output", "request_policy:special"));
    keys("keys", "keyspace dangerous", List.of("request_policy:all_shards", "nondeterministic_output_order"));
    keys("randomkey", "keyspace", List.of("request_policy:all_shards", "nondeterministic_output"));
    for (String expire : List.of("expire", "pexpire", "expireat", "pexpireat", "persist")) {
      oneKey(expire, "keyspace", List.of(), null, "RW", "update");
    }
    for (String read : List.of("expiretime", "pexpiretime")) {
      oneKey(read, "keyspace", List.of(), null, "RO", "access");
    }
    for (String read : List.of("ttl", "pttl")) {
      oneKey(read, "keyspace", NONDETERMINISTIC, null, "RO", "access");
    }
    keys("ping", "connection", ALL_SHARDS_OK);
    for (String name : List.of("echo", "quit", "select", "auth", "hello", "client|id", "client|getname",
        "client|setname", "client|help", "command|count", "command|getkeys", "command|getkeysandflags", "command|help")) {
      keys(name, "connection", List.of());
    }
    for (String name : List.of("client|kill", "client|no-evict", "client|reply", "client|pause", "client|unpause",
        "client|tracking", "client|caching", "client|getredir", "client|trackinginfo")) {
      keys(name, "connection", List.of());
    }
    for (String name : List.of("asking", "readonly", "readwrite")) {
      keys(name, "connection", List.of());
    }
    for (String name : List.of("client|list", "client|info")) {
      keys(name, "connection", NONDETERMINISTIC);
    }
    for (String name : List.of("command|info", "command|list", "command|docs")) {
      keys(name, "connection", ANY_ORDER);
    }
    keys("command", "connection", ANY_ORDER);
    keys("reset", "connection", List.of());
    keys("info", "dangerous", List.of("nondeterministic_output", "request_policy:all_shards",
        "response_policy:special"));
    keys("time", "", NONDETERMINISTIC);
    keys("monitor", "", List.of());
    keys("save", "", List.of());
    keys("bgsave", "", List.of());
    keys("lastsave", "admin dangerous", NONDETERMINISTIC);
    keys("shutdown", "", List.of());
    keys("role", "admin dangerous", List.of());
    keys("config|set", "", List.of("request_policy:all_nodes", "response_policy:all_succeeded"));
    for (String name : List.of("bumpepoch", "count-failure-reports", "getkeysinslot", "info", "links", "nodes",
        "replicas", "shards", "slaves", "slots")) {
      keys("cluster|" + name, "", NONDETERMINISTIC);
    }
    for (String write : List.of("hset", "hmset")) {
      oneKey(write, "hash", List.of(), null, "RW", "update");
    }
    oneKey("hsetnx", "hash", List.of(), null, "RW", "insert");
    oneKey("hdel", "hash", List.of(), null, "RW", "delete");
    for (String counter : List.of("hincrby", "hincrbyfloat")) {
      oneKey(counter, "hash", List.of(), null, "RW", "access", "update");
    }
    for (String read : List.of("hget", "hmget")) {
      oneKey(read, "hash", List.of(), null, "RO", "access");
    }
    for (String read : List.of("hexists", "hlen", "hstrlen")) {
      oneKey(read, "hash", List.of(), null, "RO");
    }
    for (String read : List.of("hgetall", "hkeys", "hvals")) {
      oneKey(read, "hash", ANY_ORDER, null, "RO", "access");
    }
    for (String read : List.of("hscan", "hrandfield")) {
      oneKey(read, "hash", NONDETERMINISTIC, null, "RO", "access");
    }
    keys("client|unblock", "connection", List.of());
    sorts();
    lists();
    sets();
    scripts();
    sortedSets();
    geo();
    pubSub();
  }

  /** Redis 7.0's pubsub group ({@code src/commands/*subscribe.json}, {@code *publish.json}, {@code pubsub-*.json}). */
  private static void pubSub() {
    KeySpec shardChannels = new KeySpec(null, List.of("not_key"), 1, -1, 1);
    keys("ssubscribe", "", List.of(), shardChannels);
    keys("sunsubscribe", "", List.of(), shardChannels);
    keys("spublish", "", List.of(), new KeySpec(null, List.of("not_key"), 1, 0, 1));
  }

  /** Redis 7.0's geo group ({@code src/commands/geo*.json}). */
  private static void geo() {
    oneKey("geoadd", "geo", List.of(), null, "RW", "update");
    for (String read : List.of("geopos", "geodist", "geohash", "georadius_ro", "georadiusbymember_ro",
        "geosearch")) {
      oneKey(read, "geo", List.of(), null, "RO", "access");
    }
    KeySpec source = new KeySpec(null, List.of("RO", "access"), 1, 0, 1);
    List<String> stored = List.of("OW", "update");
    keys("georadius", "geo", List.of(), source, KeySpec.afterKeyword("STORE", 6, stored),
        KeySpec.afterKeyword("STOREDIST", 6, stored));
    keys("georadiusbymember", "geo", List.of(), source, KeySpec.afterKeyword("STORE", 5, stored),
        KeySpec.afterKeyword("STOREDIST", 5, stored));
    keys("geosearchstore", "geo", List.of(), new KeySpec(null, stored, 1, 0, 1),
        new KeySpec(null, List.of("RO", "access"), 2, 0, 1));
  }

  /** Redis 7.0's sorted_set group ({@code src/commands/z*.json}, {@code bz*.json}). */
  private static void sortedSets() {
    oneKey("zadd", "sortedset", List.of(), null, "RW", "update");
    oneKey("zincrby", "sortedset", List.of(), null, "RW", "access", "update");
    oneKey("zcard", "sortedset", List.of(), null, "RO");
    for (String delete : List.of("zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore")) {
      oneKey(delete, "sortedset", List.of(), null, "RW", "delete");
    }
    for (String read : List.of("zcount", "zlexcount", "zmscore", "zrange", "zrangebylex", "zrangebyscore", "zrank",
        "zrevrange", "zrevrangebylex", "zrevrangebyscore", "zrevrank", "zscore")) {
      oneKey(read, "sortedset", List.of(), null, "RO", "access");
    }
    for (String read : List.of("zrandmember", "zscan")) {
      oneKey(read, "sortedset", NONDETERMINISTIC, null, "RO", "access");
    }
    for (String pop : List.of("zpopmin", "zpopmax")) {
      oneKey(pop, "sortedset", List.of(), null, "RW", "access", "delete");
    }
    for (String pop : List.of("bzpopmin", "bzpopmax")) {
      keys(pop, "sortedset", List.of(), new KeySpec(null, List.of("RW", "access", "delete"), 1, -2, 1));
    }
    keys("zmpop", "sortedset", List.of(),
        new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1, new Keynum(0, 1)));
    keys("bzmpop", "sortedset", List.of(),
        new KeySpec(null, List.of("RW", "access", "delete"), 2, 0, 1, new Keynum(0, 1)));
    KeySpec stored = new KeySpec(null, List.of("OW", "update"), 1, 0, 1);
    keys("zrangestore", "sortedset", List.of(), stored, new KeySpec(null, List.of("RO", "access"), 2, 0, 1));
    for (String read : List.of("zunion", "zinter", "zdiff", "zintercard")) {
      keys(read, "sortedset", List.of(), new KeySpec(null, List.of("RO", "access"), 1, 0, 1, new Keynum(0, 1)));
    }
    for (String store : List.of("zunionstore", "zinterstore", "zdiffstore")) {
      keys(store, "sortedset", List.of(), stored,
          new KeySpec(null, List.of("RO", "access"), 2, 0, 1, new Keynum(0, 1)));
    }
  }

  /** {@code SORT}, {@code SORT_RO}, {@code WAIT}, {@code DUMP}, {@code RESTORE} ({@code src/commands/<name>.json}). */
  private static void sorts() {
    KeySpec sorted = new KeySpec(null, List.of("RO", "access"), 1, 0, 1);
    KeySpec patterns = new KeySpec("For the optional BY/GET keyword. It is marked 'unknown' because the key names "
        + "derive from the content of the key we sort", List.of("RO", "access"), 0, 0, 0);
    keys("sort", "set sortedset list dangerous", List.of(), sorted, patterns,
        new KeySpec("For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
            + "anywhere in the argument array", List.of("OW", "update"), 0, 0, 0));
    keys("sort_ro", "set sortedset list dangerous", List.of(), sorted, patterns);
    keys("wait", "connection", List.of("request_policy:all_shards", "response_policy:agg_min"));
    oneKey("dump", "keyspace", NONDETERMINISTIC, null, "RO", "access");
    oneKey("restore", "keyspace dangerous", List.of(), null, "OW", "update");
  }

  /** Redis 7.0's scripting group ({@code src/commands/eval*.json}, {@code script-*.json}). */
  private static void scripts() {
    String worst = "We cannot tell how the keys will be used so we assume the worst, ";
    keys("eval", "scripting", List.of(), new KeySpec(worst + "RW and UPDATE",
        List.of("RW", "access", "update"), 2, 0, 1, new Keynum(0, 1)));
    keys("evalsha", "scripting", List.of(),
        new KeySpec(null, List.of("RW", "access", "update"), 2, 0, 1, new Keynum(0, 1)));
    keys("eval_ro", "scripting", List.of(),
        new KeySpec(worst + "RO and ACCESS", List.of("RO", "access"), 2, 0, 1, new Keynum(0, 1)));
    keys("evalsha_ro", "scripting", List.of(),
        new KeySpec(null, List.of("RO", "access"), 2, 0, 1, new Keynum(0, 1)));
    List<String> allNodes = List.of("request_policy:all_nodes", "response_policy:all_succeeded");
    keys("script|help", "scripting", List.of());
    keys("script|debug", "scripting", List.of());
    keys("script|flush", "scripting", allNodes);
    keys("script|load", "scripting", allNodes);
    keys("script|exists", "scripting", List.of("request_policy:all_shards", "response_policy:agg_logical_and"));
    keys("script|kill", "scripting", List.of("request_policy:all_shards", "response_policy:one_succeeded"));
    keys("fcall", "scripting", List.of(), new KeySpec(worst + "RW and UPDATE",
        List.of("RW", "access", "update"), 2, 0, 1, new Keynum(0, 1)));
    keys("fcall_ro", "scripting", List.of(),
        new KeySpec(worst + "RO and ACCESS", List.of("RO", "access"), 2, 0, 1, new Keynum(0, 1)));
    for (String name : List.of("load", "delete", "flush", "restore")) {
      keys("function|" + name, "scripting", ALL_SHARDS_OK);
    }
    keys("function|dump", "scripting", List.of());
    keys("function|help", "scripting", List.of());
    keys("function|list", "scripting", ANY_ORDER);
    keys("function|kill", "scripting", List.of("request_policy:all_shards", "response_policy:one_succeeded"));
    keys("function|stats", "scripting", List.of("nondeterministic_output", "request_policy:all_shards",
        "response_policy:special"));
  }

  /** Redis 7.0's set group ({@code src/commands/s*.json}). */
  private static void sets() {
    oneKey("sadd", "set", List.of(), null, "RW", "insert");
    oneKey("srem", "set", List.of(), null, "RW", "delete");
    for (String read : List.of("scard", "sismember")) {
      oneKey(read, "set", List.of(), null, "RO");
    }
    oneKey("smismember", "set", List.of(), null, "RO", "access");
    oneKey("smembers", "set", ANY_ORDER, null, "RO", "access");
    for (String random : List.of("srandmember", "sscan")) {
      oneKey(random, "set", NONDETERMINISTIC, null, "RO", "access");
    }
    oneKey("spop", "set", NONDETERMINISTIC, null, "RW", "access", "delete");
    keys("smove", "set", List.of(), new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1),
        new KeySpec(null, List.of("RW", "insert"), 2, 0, 1));
    KeySpec read = new KeySpec(null, List.of("RO", "access"), 1, -1, 1);
    for (String combine : List.of("sinter", "sunion", "sdiff")) {
      keys(combine, "set", ANY_ORDER, read);
    }
    KeySpec sources = new KeySpec(null, List.of("RO", "access"), 2, -1, 1);
    keys("sinterstore", "set", List.of(), new KeySpec(null, List.of("RW", "update"), 1, 0, 1), sources);
    for (String store : List.of("sunionstore", "sdiffstore")) {
      keys(store, "set", List.of(), new KeySpec(null, List.of("OW", "update"), 1, 0, 1), sources);
    }
    keys("sintercard", "set", List.of(),
        new KeySpec(null, List.of("RO", "access"), 1, 0, 1, new Keynum(0, 1)));
  }

  /** Redis 7.0's list group ({@code src/commands/l*.json}, {@code b*.json}, {@code rpop*.json}). */
  private static void lists() {
    for (String push : List.of("lpush", "rpush", "lpushx", "rpushx", "linsert")) {
      oneKey(push, "list", List.of(), null, "RW", "insert");
    }
    for (String pop : List.of("lpop", "rpop")) {
      oneKey(pop, "list", List.of(), null, "RW", "access", "delete");
    }
    oneKey("llen", "list", List.of(), null, "RO");
    for (String read : List.of("lindex", "lrange", "lpos")) {
      oneKey(read, "list", List.of(), null, "RO", "access");
    }
    oneKey("lset", "list", List.of(), null, "RW", "update");
    oneKey("lrem", "list", List.of(), null, "RW", "delete");
    oneKey("ltrim", "list", List.of(), null, "RW", "delete");
    KeySpec popped = new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1);
    KeySpec pushed = new KeySpec(null, List.of("RW", "insert"), 2, 0, 1);
    for (String move : List.of("lmove", "rpoplpush", "blmove", "brpoplpush")) {
      keys(move, "list", List.of(), popped, pushed);
    }
    for (String pop : List.of("blpop", "brpop")) {
      keys(pop, "list", List.of(), new KeySpec(null, List.of("RW", "access", "delete"), 1, -2, 1));
    }
    keys("lmpop", "list", List.of(),
        new KeySpec(null, List.of("RW", "access", "delete"), 1, 0, 1, new Keynum(0, 1)));
    keys("blmpop", "list", List.of(),
        new KeySpec(null, List.of("RW", "access", "delete"), 2, 0, 1, new Keynum(0, 1)));
  }

  private CommandMetadata() {}

  /** The metadata of the command named {@code name} ({@code client|id}), or null if none is declared. */
  static @Nullable Meta of(String name) {
    return BY_NAME.get(name);
  }

  private static void oneKey(
      String name, String category, List<String> tips, @Nullable String notes, String... flags) {
    keys(name, category, tips, new KeySpec(notes, List.of(flags), 1, 0, 1));
  }

  private static void keys(String name, String categories, List<String> tips, KeySpec... keySpecs) {
    List<String> explicit = categories.isEmpty() ? List.of() : List.of(categories.split(" "));
    BY_NAME.put(name, new Meta(explicit, tips, List.of(keySpecs)));
  }
}
