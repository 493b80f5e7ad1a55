package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and permissions against a real {@code redis-server}, byte for byte, in RESP2 and RESP3: every {@code ACL}
 * subcommand and its errors, {@code ACL GETUSER} and {@code ACL LIST} after series of {@code SETUSER} rules, the
 * {@code AUTH} forms, and the {@code NOPERM} refusals of commands, keys and channels (at the top level, queued in
 * {@code MULTI}, and in a script). Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class AclParityIT {
  private static final String HASH = "34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6";

  /** The subcommands and the rules, with the lines and maps they leave. */
  static final List<List<String>> RULES = List.of(
      List.of("ACL", "WHOAMI"),
      List.of("ACL", "USERS"),
      List.of("ACL", "LIST"),
      List.of("ACL", "GETUSER", "default"),
      List.of("ACL", "SETUSER", "alice"),
      List.of("ACL", "LIST"),
      List.of("ACL", "GETUSER", "alice"),
      List.of("ACL", "GETUSER", "nobody"),
      List.of("ACL", "SETUSER", "a a"),
      List.of("ACL", "SETUSER", "alice", "on", ">p1", ">p2", ">p1", "~cache:*", "%R~read:*", "%W~write:*",
          "%RW~both:*", "~cache:*", "%W~read:*", "&news.*", "-@all", "+@string"),
      List.of("ACL", "GETUSER", "alice"),
      List.of("ACL", "LIST"),
      List.of("ACL", "SETUSER", "alice", "<p2"),
      List.of("ACL", "SETUSER", "alice", "<p2"),
      List.of("ACL", "SETUSER", "alice", "!" + HASH),
      List.of("ACL", "SETUSER", "alice", "#" + HASH.substring(1)),
      List.of("ACL", "SETUSER", "alice", "#" + HASH.substring(1) + "Q"),
      List.of("ACL", "SETUSER", "hashed", "#" + HASH, "#" + HASH, "!" + HASH, "#" + HASH),
      List.of("ACL", "GETUSER", "hashed"),
      List.of("ACL", "SETUSER", "bob", "on", "nopass", "+@all", "-@dangerous", "~*", "&*"),
      List.of("ACL", "SETUSER", "carol", "reset", "+@read", "~x", "&y", "&z"),
      List.of("ACL", "SETUSER", "carol", "+client|id"),
      List.of("ACL", "SETUSER", "dave", "+@all", "-client|kill", "allkeys", "resetkeys", "~k", "allchannels"),
      List.of("ACL", "SETUSER", "erin", "-@all", "+select|0", "+select|0", "+SELECT|1"),
      List.of("ACL", "SETUSER", "frank", "+@all", "-@all", "+@geo", "-georadius", "nocommands", "allcommands",
          "-@write"),
      List.of("ACL", "SETUSER", "gina", "+@all", "-config", "+config|get", "skip-sanitize-payload", "resetpass",
          "nopass", "resetpass", "off", "on"),
      List.of("ACL", "LIST"),
      List.of("ACL", "GETUSER", "carol"),
      List.of("ACL", "GETUSER", "dave"),
      List.of("ACL", "GETUSER", "erin"),
      List.of("ACL", "GETUSER", "frank"),
      List.of("ACL", "GETUSER", "gina"),
      List.of("ACL", "SETUSER", "erin", "+config|get|x"),
      List.of("ACL", "SETUSER", "erin", "+config|nope"),
      List.of("ACL", "SETUSER", "erin", "+get|a|b"),
      List.of("ACL", "SETUSER", "erin", "-select|0"),
      List.of("ACL", "SETUSER", "erin", "+nosuch"),
      List.of("ACL", "SETUSER", "erin", "-@nosuch"),
      List.of("ACL", "SETUSER", "erin", "+get|"),
      List.of("ACL", "SETUSER", "erin", "allkeys", "~more"),
      List.of("ACL", "SETUSER", "erin", "allchannels", "&more"),
      List.of("ACL", "SETUSER", "erin", "bogus"),
      List.of("ACL", "SETUSER", "erin", "~a b"),
      List.of("ACL", "SETUSER", "erin", "%X~a"),
      List.of("ACL", "SETUSER", "erin", "%~a"),
      List.of("ACL", "SETUSER", "erin", "%RR~a"),
      List.of("ACL", "SETUSER", "hashed", "%R", "%w~w", "%wr~b"),
      List.of("ACL", "SETUSER", "erin", "(~x", "+get"),
      List.of("ACL", "SETUSER", "erin", "on", "bogus"),
      List.of("ACL", "GETUSER", "erin"),
      List.of("ACL", "SETUSER", "erin", "", "on"),
      List.of("ACL", "SETUSER"),
      List.of("ACL", "USERS"),
      List.of("ACL", "DELUSER", "default"),
      List.of("ACL", "DELUSER", "carol", "nobody", "carol"),
      List.of("ACL", "DELUSER", "nobody", "default"),
      List.of("ACL", "USERS"),
      List.of("ACL", "CAT"),
      List.of("ACL", "CAT", "nosuch"),
      List.of("ACL", "CAT", "a", "b"),
      List.of("ACL", "GENPASS", "0"),
      List.of("ACL", "GENPASS", "4097"),
      List.of("ACL", "GENPASS", "x"),
      List.of("ACL", "GENPASS", "1", "2"),
      List.of("ACL", "LOG", "x"),
      List.of("ACL", "LOG", "RESET"),
      List.of("ACL", "LOG"),
      List.of("ACL", "LOG", "1", "2"),
      List.of("ACL", "SAVE"),
      List.of("ACL", "LOAD"),
      List.of("ACL", "HELP"),
      List.of("ACL", "WHOAMI", "extra"),
      List.of("ACL", "NOSUB"),
      List.of("ACL"),
      List.of("ACL", "DRYRUN", "nobody", "get", "k"),
      List.of("ACL", "DRYRUN", "alice", "get"),
      List.of("ACL", "DRYRUN", "alice", "nosuch"),
      List.of("ACL", "DRYRUN", "alice", "client", "nosuch"),
      List.of("ACL", "DRYRUN", "alice", "get", "cache:1"),
      List.of("ACL", "DRYRUN", "alice", "get", "other"),
      List.of("ACL", "DRYRUN", "alice", "hset", "cache:1", "f", "v"),
      List.of("ACL", "DRYRUN", "alice", "publish", "sports", "m"),
      List.of("ACL", "DRYRUN", "alice", "publish", "news.x", "m"),
      List.of("ACL", "DRYRUN", "erin", "select", "0"),
      List.of("ACL", "DRYRUN", "erin", "select", "2"),
      List.of("ACL", "DRYRUN", "carol", "client", "id"),
      List.of("ACL", "DRYRUN", "carol", "client", "list"));

  /** The sign-in forms and the refusals of a restricted user. */
  static final List<List<String>> AUTH = List.of(
      List.of("ACL", "SETUSER", "alice", "on", ">p1", "~cache:*", "%R~read:*", "%W~write:*", "&news.*", "-@all",
          "+@string", "+acl", "+publish", "+subscribe", "+psubscribe", "+eval", "+multi", "+exec", "+ping",
          "+select|0", "+del"),
      List.of("AUTH"),
      List.of("AUTH", "a", "b", "c"),
      List.of("AUTH", "whatever"),
      List.of("AUTH", "alice", "wrong"),
      List.of("AUTH", "nobody", "p1"),
      List.of("ACL", "WHOAMI"),
      List.of("AUTH", "alice", "p1"),
      List.of("ACL", "WHOAMI"),
      List.of("GET", "cache:1"),
      List.of("SET", "cache:1", "v"),
      List.of("GET", "cache:1"),
      List.of("GET", "other"),
      List.of("GET", "read:1"),
      List.of("SET", "read:1", "v"),
      List.of("SET", "write:1", "v"),
      List.of("GET", "write:1"),
      List.of("APPEND", "write:1", "v"),
      List.of("DEL", "write:1"),
      List.of("MGET", "cache:1", "read:1", "other"),
      List.of("HSET", "cache:1", "f", "v"),
      List.of("CLIENT", "ID"),
      List.of("SELECT", "0"),
      List.of("SELECT", "1"),
      List.of("PUBLISH", "news.today", "m"),
      List.of("PUBLISH", "sports", "m"),
      List.of("PING"),
      List.of("EVAL", "return redis.call('get', 'other')", "0"),
      List.of("EVAL", "return redis.pcall('hset', 'cache:1', 'f', 'v')", "0"),
      List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "other"),
      List.of("MULTI"),
      List.of("SET", "other", "1"),
      List.of("HSET", "cache:1", "f", "v"),
      List.of("SET", "cache:2", "1"),
      List.of("EXEC"),
      List.of("MULTI"),
      List.of("SET", "cache:3", "1"),
      List.of("EXEC"),
      List.of("SUBSCRIBE", "news.a", "sports"),
      List.of("PSUBSCRIBE", "news.*", "news.x*"),
      List.of("AUTH", "default", "anything"),
      List.of("ACL", "WHOAMI"),
      List.of("ACL", "SETUSER", "alice", "off"),
      List.of("AUTH", "alice", "p1"),
      List.of("ACL", "SETUSER", "alice", "on", "nopass"),
      List.of("AUTH", "alice", "any"),
      List.of("GET", "other"),
      List.of("RESET"),
      List.of("ACL", "WHOAMI"),
      List.of("ACL", "SETUSER", "default", "resetpass", ">secret"),
      List.of("GET", "other"),
      List.of("AUTH", "default", "wrong"),
      List.of("GET", "other"),
      List.of("AUTH", "secret"),
      List.of("RESET"),
      List.of("GET", "other"),
      List.of("ACL", "WHOAMI"),
      List.of("AUTH", "secret"),
      List.of("ACL", "SETUSER", "default", "nopass"),
      List.of("ACL", "DELUSER", "alice"),
      List.of("ACL", "LIST"),
      List.of("ACL", "WHOAMI"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void aclSubcommandsMatchRedisInResp2() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), RULES);
  }

  @Test
  void aclSubcommandsMatchRedisInResp3() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), resp3(RULES));
  }

  @Test
  void signInAndRefusalsMatchRedisInResp2() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), AUTH);
  }

  @Test
  void signInAndRefusalsMatchRedisInResp3() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), resp3(AUTH));
  }

  /** {@code HELLO ... AUTH}: its refusal (its reply on success holds the connection's id, so only the next one). */
  @Test
  void helloAuthMatchesRedis() throws Exception {
    List<List<String>> requests = List.of(
        List.of("ACL", "SETUSER", "alice", "on", ">p1", "+acl", "+echo", "+client"),
        List.of("CLIENT", "REPLY", "SKIP"),
        List.of("HELLO", "3", "AUTH", "alice", "wrong"),
        List.of("ACL", "WHOAMI"),
        List.of("CLIENT", "REPLY", "SKIP"),
        List.of("HELLO", "3", "AUTH", "alice", "p1", "SETNAME", "bad name"),
        List.of("ACL", "WHOAMI"),
        List.of("CLIENT", "REPLY", "SKIP"),
        List.of("HELLO", "2", "AUTH", "alice", "p1"),
        List.of("ACL", "WHOAMI"),
        List.of("ECHO", "end"));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket())) {
      byte[] bytes = RedisParityIT.requests(requests);
      assertEquals(RedisParityIT.linesUpToEnd(theirs, bytes), RedisParityIT.linesUpToEnd(ours, bytes));
    }
  }

  /**
   * A permission taken away between {@code MULTI}'s queueing and {@code EXEC} (by another connection): the command
   * is answered Redis's {@code NOPERM ACLs rules changed ...} inside {@code EXEC}'s reply, the others run.
   */
  @Test
  void permissionsTakenAwayBeforeExecMatchRedis() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient oursAdmin = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket());
        LineClient theirsAdmin = LineClient.unix(redis.socket())) {
      assertEquals(execAfterRevoke(theirs, theirsAdmin), execAfterRevoke(ours, oursAdmin));
    }
  }

  private static List<String> execAfterRevoke(LineClient client, LineClient admin) throws Exception {
    List<String> replies = new ArrayList<>(RedisParityIT.replies(admin, RedisParityIT.requests(List.of(
        List.of("ACL", "SETUSER", "alice", "on", ">p1", "~*", "&*", "+@all"))), 1));
    replies.addAll(RedisParityIT.replies(client, RedisParityIT.requests(List.of(List.of("AUTH", "alice", "p1"),
        List.of("MULTI"), List.of("SET", "a", "1"), List.of("GET", "b"), List.of("PUBLISH", "c", "m"),
        List.of("INCR", "n"))), 6));
    replies.addAll(RedisParityIT.replies(admin, RedisParityIT.requests(List.of(
        List.of("ACL", "SETUSER", "alice", "resetkeys", "~a", "resetchannels", "-incr"))), 1));
    replies.addAll(RedisParityIT.replies(client, RespIT.resp("EXEC"), 1));
    replies.addAll(RedisParityIT.replies(admin, RespIT.resp("GET", "a"), 1));
    return replies;
  }

  static List<List<String>> resp3(List<List<String>> requests) {
    List<List<String>> withHello = new ArrayList<>();
    withHello.add(List.of("HELLO", "3"));
    withHello.addAll(requests);
    return withHello;
  }
}
