package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DEBUG SET-DISABLE-DENY-SCRIPTS 1}, then every {@code DEBUG PROTOCOL} reply but push called from a script
 * under {@code redis.setresp(2)} and {@code (3)}, by a RESP2 and by a RESP3 caller: each converts to Lua and back to
 * the caller byte for byte as on a real {@code redis-server} (started here with {@code enable-debug-command local},
 * on a Unix socket); then {@code SET-DISABLE-DENY-SCRIPTS 0} refuses {@code DEBUG} in scripts again on both. Redis's
 * own {@code unit/scripting} runs the same 37 calls ("... protocol parsing"). Skipped where {@code redis-server} is
 * not installed.
 */
@Timeout(120)
class ScriptDebugProtocolParityIT {
  private static final List<String> TYPES = List.of("string", "integer", "double", "bignum", "null", "array", "set",
      "map", "attrib", "verbatim", "true", "false");

  @TempDir Path dir;

  @Test
  void debugProtocolRepliesConvertThroughLuaAsInRedis() throws Exception {
    assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"));
    for (String hello : List.of("2", "3")) {
      requests.add(List.of("HELLO", hello));
      for (String resp : List.of("2", "3")) {
        for (String type : TYPES) {
          requests.add(eval("redis.setresp(" + resp + ") return redis.call('debug', 'protocol', '" + type + "')"));
          requests.add(eval("redis.setresp(" + resp + ") return type(redis.call('debug', 'protocol', '" + type
              + "'))"));
        }
        requests.add(eval("redis.setresp(" + resp + ") return redis.call('debug', 'protocol', 'map').map"));
        requests.add(eval("redis.setresp(" + resp + ") return redis.call('debug', 'protocol', 'double').double"));
        requests.add(eval("redis.setresp(" + resp + ") return redis.call('debug', 'protocol', 'bignum').big_number"));
        requests.add(eval("redis.setresp(" + resp + ") local v = redis.call('debug', 'protocol', 'verbatim')"
            + " return type(v) == 'table' and v.verbatim_string.format or v"));
        requests.add(eval("redis.setresp(" + resp + ") return redis.pcall('debug', 'protocol', 'nosuch')"));
      }
    }
    requests.add(List.of("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"));
    requests.add(eval("return redis.call('debug', 'protocol', 'string')"));
    requests.add(eval("return redis.pcall('debug', 'protocol', 'string')"));

    Path redisDir = Files.createDirectory(dir.resolve("redis"));
    Path socket = redisDir.resolve("redis.sock");
    List<String> differences = new ArrayList<>();
    try (RedisServerProcess redis = RedisServerProcess.startOnUnixSocket(redisDir, socket,
            "--enable-debug-command", "local");
        BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16 << 20);
        RawRespClient ours = RawRespClient.unix(server.unixPath());
        RawRespClient theirs = RawRespClient.unix(socket)) {
      List<String> expected = theirs.exchange(requests);
      List<String> actual = ours.exchange(requests);
      for (int i = 0; i < requests.size(); i++) {
        if (!requests.get(i).get(0).equals("HELLO") && !expected.get(i).equals(actual.get(i))) {
          differences.add(String.join(" ", requests.get(i)) + "\n    redis-server: " + expected.get(i)
              + "\n    ours:         " + actual.get(i));
        }
      }
    }
    assertTrue(differences.isEmpty(),
        () -> differences.size() + " of " + requests.size() + " replies differ:\n" + String.join("\n", differences));
  }

  private static List<String> eval(String script) {
    return List.of("EVAL", script, "0");
  }
}
