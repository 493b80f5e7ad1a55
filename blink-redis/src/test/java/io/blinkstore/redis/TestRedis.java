package io.blinkstore.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How the tests set up their standalone servers and stores: credentials, the ACL user, clean state. */
final class TestRedis {
  /** The default user's password ({@code requirepass}), which the tests administer the servers with. */
  static final String ADMIN_PASSWORD = "admin-secret";
  static final String ACL_USER = "blink";
  static final String ACL_PASSWORD = "blink-secret";

  /**
   * The rules of the ACL user the stores log in as: every key, and only the command groups the store's
   * operations need ({@code GET}, {@code SET}, {@code DEL}, {@code PEXPIRE}, {@code PERSIST}, {@code PTTL},
   * {@code INCRBY}, {@code DBSIZE}, {@code FLUSHDB}, {@code EVAL} for the load lock's release, {@code INFO};
   * Lettuce's {@code HELLO}, {@code CLIENT SETNAME}, {@code PING}, and on a cluster {@code CLUSTER NODES}, which
   * its topology refresh asks), as docs/scale-out.md advises.
   */
  static final String ACL_USER_RULES =
      "on >" + ACL_PASSWORD + " ~* +@read +@write +@connection +info +eval +cluster|nodes";

  private TestRedis() {}

  /** A server whose default user needs {@link #ADMIN_PASSWORD}, with the ACL user {@link #ACL_USER}. */
  static RedisProcess startWithAclUser(Path dir, int port, String... extra) throws Exception {
    List<String> arguments = new ArrayList<>(List.of("--requirepass", ADMIN_PASSWORD, "--user", ACL_USER));
    arguments.addAll(List.of(ACL_USER_RULES.split(" ")));
    arguments.addAll(List.of(extra));
    return RedisProcess.start(dir, port, ADMIN_PASSWORD, arguments.toArray(String[]::new));
  }

  /** {@code scheme://blink:blink-secret@127.0.0.1:port}. */
  static String aclUserAddress(String scheme, int port) {
    return scheme + "://" + ACL_USER + ":" + ACL_PASSWORD + "@127.0.0.1:" + port;
  }

  /** Options for tests: the defaults, but a command timeout long enough for a loaded test machine. */
  static BlinkRedisOptions.Builder options() {
    return BlinkRedisOptions.builder().commandTimeout(Duration.ofSeconds(10));
  }

  /** Empties the server and zeroes its counters, as the contract wants each new store to find it. */
  static void emptyWithZeroedCounters(RedisProcess redis) {
    try {
      expect("OK", redis.command("FLUSHALL"));
      expect("OK", redis.command("CONFIG", "RESETSTAT"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void expect(String expected, String reply) throws IOException {
    if (!expected.equals(reply)) {
      throw new IOException("expected " + expected + " but the server answered " + reply);
    }
  }
}
