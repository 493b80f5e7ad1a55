package io.blinkstore.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts and functions against the server's role and the caller's permissions, sent to our server and to a real
 * {@code redis-server} 7.0 and compared byte for byte, in RESP2 and RESP3 (the REV3 review's findings): the writes of
 * {@code FCALL} and {@code EVAL} refused on a read-only replica ({@code -READONLY}), on a primary without its good
 * replicas ({@code -NOREPLICAS}), and on a stale replica ({@code -MASTERDOWN}) where Redis refuses them: before the
 * script runs for a function or a script with a shebang that may write (the command's flags are its script's), at
 * the first write for a script without one (with the script's position), at the script's start for one that was
 * not known when its transaction queued it ({@code scriptPrepareForRun}); and {@code redis.acl_check_cmd}, which
 * answers false (nil) for a command line the user may not run. Each server follows port 1, where nobody listens, so
 * the link stays down. Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class ScriptRoleParityIT {
  private static final String LIB = "#!lua name=role\n"
      + "redis.register_function('w', function(keys, args) return redis.call('set', keys[1], 'v') end)\n"
      + "redis.register_function{function_name='r', callback=function(keys, args) return redis.call('get', keys[1])"
      + " end, flags={'no-writes'}}\n"
      + "redis.register_function{function_name='rs', callback=function(keys, args) return 'stale ok'"
      + " end, flags={'no-writes', 'allow-stale'}}\n";
  private static final String SHEBANG_WRITE = "#!lua\nreturn redis.call('set', KEYS[1], 'v')";
  private static final String PLAIN_WRITE = "redis.call('get', KEYS[1])\nreturn redis.call('set', KEYS[1], 'v')";

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void aclCheckCmdAnswersForTheUsersPermissions() throws Exception {
    assertBothProtocols(List.of(
        List.of("ACL", "SETUSER", "u", "on", ">p", "~k*", "&*", "+@all", "-set"),
        List.of("AUTH", "u", "p"),
        List.of("EVAL", "return redis.acl_check_cmd('get', 'k1')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('set', 'k1', 'v')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('get', 'other')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('set')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('config', 'get', 'maxmemory')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('INCRBY', 'k2', 5)", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('nosuch')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('config', 'nosuch')", "0"),
        List.of("EVAL", "return redis.acl_check_cmd()", "0"),
        List.of("EVAL", "return redis.acl_check_cmd('get', {})", "0"),
        List.of("EVAL", "return redis.pcall('set', 'k1', 'v')", "0"),
        List.of("AUTH", "default", "any"),
        List.of("ACL", "DELUSER", "u")));
  }

  @Test
  void aReadOnlyReplicaRefusesTheWritesOfFunctionsAndScriptsAsRedis() throws Exception {
    assertBothProtocols(List.of(
        List.of("FUNCTION", "LOAD", "REPLACE", LIB),
        List.of("REPLICAOF", "127.0.0.1", "1"),
        List.of("SET", "direct", "v"),
        List.of("FCALL", "w", "1", "fk"),
        List.of("FCALL_RO", "w", "1", "fk"),
        List.of("FCALL", "r", "1", "fk"),
        List.of("EVAL", SHEBANG_WRITE, "1", "sk"),
        List.of("EVAL", "#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'v')", "1", "sk"),
        List.of("EVAL", PLAIN_WRITE, "1", "ek"),
        List.of("EVAL", "return redis.pcall('set', KEYS[1], 'v')", "1", "ek"),
        List.of("EVAL_RO", PLAIN_WRITE, "1", "ek"),
        List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "ek"),
        List.of("MULTI"),
        List.of("FCALL", "w", "1", "mk"),
        List.of("EXEC"),
        List.of("MULTI"),
        List.of("SCRIPT", "LOAD", SHEBANG_WRITE),
        List.of("EVALSHA", sha1(SHEBANG_WRITE), "1", "qk"),
        List.of("EXEC"),
        List.of("CONFIG", "SET", "replica-serve-stale-data", "no"),
        List.of("FCALL", "r", "1", "fk"),
        List.of("FCALL", "rs", "0"),
        List.of("EVAL", "return 1", "0"),
        List.of("EVAL", "#!lua flags=no-writes\nreturn 1", "0"),
        List.of("EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get', 'x')", "0"),
        List.of("CONFIG", "SET", "replica-serve-stale-data", "yes"),
        List.of("REPLICAOF", "NO", "ONE"),
        List.of("EXISTS", "direct", "fk", "sk", "ek", "mk", "qk"),
        List.of("FUNCTION", "FLUSH"),
        List.of("SCRIPT", "FLUSH")));
  }

  @Test
  void aPrimaryWithoutItsGoodReplicasRefusesTheWritesOfFunctionsAndScriptsAsRedis() throws Exception {
    assertBothProtocols(List.of(
        List.of("FUNCTION", "LOAD", "REPLACE", LIB),
        List.of("CONFIG", "SET", "min-replicas-to-write", "1"),
        List.of("SET", "direct", "v"),
        List.of("FCALL", "w", "1", "fk"),
        List.of("FCALL_RO", "w", "1", "fk"),
        List.of("FCALL", "r", "1", "fk"),
        List.of("EVAL", SHEBANG_WRITE, "1", "sk"),
        List.of("EVAL", PLAIN_WRITE, "1", "ek"),
        List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "ek"),
        List.of("MULTI"),
        List.of("SCRIPT", "LOAD", SHEBANG_WRITE),
        List.of("EVALSHA", sha1(SHEBANG_WRITE), "1", "qk"),
        List.of("EXEC"),
        List.of("CONFIG", "SET", "min-replicas-to-write", "0"),
        List.of("EXISTS", "direct", "fk", "sk", "ek", "qk"),
        List.of("FUNCTION", "FLUSH"),
        List.of("SCRIPT", "FLUSH")));
  }

  /** The requests in RESP2, then after {@code HELLO 3}: each time to a fresh server of ours and to the redis-server. */
  private void assertBothProtocols(List<List<String>> requests) throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
    List<List<String>> resp3 = new ArrayList<>();
    resp3.add(List.of("HELLO", "3"));
    resp3.addAll(requests);
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), resp3);
  }

  private static String sha1(String script) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
        .digest(script.getBytes(StandardCharsets.UTF_8)));
  }
}
