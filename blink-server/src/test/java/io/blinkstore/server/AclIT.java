package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL users over real sockets, where the parity test cannot follow: deleting a user closes its connections, the
 * users' shared bound stops {@code ACL SETUSER} in a loop from several connections (and huge patterns), a user's
 * name in {@code CLIENT LIST}, the server's token as the default user's one password, and redis-py signing in with
 * a user name and password in its URL.
 */
@Timeout(300)
class AclIT {
  private static final String TOO_MANY = "-ERR ACL SETUSER refused: the users would pass the server's bound of"
      + " 10000 users and 16 MB of rules";

  @TempDir Path dir;

  private static String call(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return RespIT.readReply(client);
  }

  @Test
  void deletingAUserClosesItsConnections() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient admin = LineClient.unix(server.unixPath());
        LineClient other = LineClient.unix(server.unixPath());
        LineClient self = LineClient.unix(server.unixPath())) {
      assertEquals("+OK\r\n", call(admin, "ACL", "SETUSER", "temp", "on", "nopass", "+@all", "~*", "&*"));
      assertEquals("+OK\r\n", call(other, "AUTH", "temp", "x"));
      assertEquals("+OK\r\n", call(self, "AUTH", "temp", "x"));
      String info = call(other, "CLIENT", "INFO");
      assertTrue(info.contains(" user=temp redir=-1 "), info);
      assertEquals(":1\r\n", call(self, "ACL", "DELUSER", "temp"));
      assertClosed(self);
      assertClosed(other);
      assertEquals("+PONG\r\n", call(admin, "PING"));
    }
  }

  /** Asserts that the server closes {@code client} (a closing from another connection's event loop comes soon). */
  private static void assertClosed(LineClient client) throws IOException {
    assertTrue(client.closedByServer(Duration.ofSeconds(10)), "the connection is still open");
  }

  /** 100,000 {@code SETUSER} of new users from four connections: refused past the bound, the server unharmed. */
  @Test
  void setUserInALoopStopsAtTheBound() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> outcomes = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          int connection = c;
          outcomes.add(pool.submit(() -> createUsers(server.unixPath(), connection, 25_000)));
        }
        int created = 0;
        int refused = 0;
        for (Future<int[]> outcome : outcomes) {
          created += outcome.get()[0];
          refused += outcome.get()[1];
        }
        assertEquals(100_000, created + refused);
        assertEquals(10_000 - 1, created); // the default user counts
        try (LineClient client = LineClient.unix(server.unixPath())) {
          assertEquals("+PONG\r\n", call(client, "PING"));
          assertEquals(TOO_MANY + "\r\n", call(client, "ACL", "SETUSER", "one-more"));
          assertEquals(":1\r\n", call(client, "ACL", "DELUSER", "u0-0"));
          assertEquals("+OK\r\n", call(client, "ACL", "SETUSER", "one-more"));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static int[] createUsers(Path socket, int connection, int count) throws Exception {
    int created = 0;
    int refused = 0;
    String pattern = "~" + "p".repeat(200) + "*";
    try (LineClient client = LineClient.unix(socket)) {
      for (int start = 0; start < count; start += 500) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int end = Math.min(count, start + 500);
        for (int i = start; i < end; i++) {
          batch.writeBytes(RespIT.resp("ACL", "SETUSER", "u" + connection + "-" + i, "on", ">pw", pattern));
        }
        client.send(batch.toByteArray());
        for (int i = start; i < end; i++) {
          String reply = RespIT.readReply(client);
          if (reply.equals("+OK\r\n")) {
            created++;
          } else {
            assertEquals(TOO_MANY + "\r\n", reply);
            refused++;
          }
        }
      }
    }
    return new int[] {created, refused};
  }

  /** Patterns of a megabyte each: the rule bytes' bound stops them; one of 100,000 stars matches in bounded time. */
  @Test
  void hugePatternsStopAtTheBound() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient client = LineClient.unix(server.unixPath())) {
      int accepted = 0;
      String reply = "";
      for (int i = 0; i < 20 && !reply.startsWith("-"); i++) {
        reply = call(client, "ACL", "SETUSER", "big", "~" + Integer.toString(i).repeat(1 << 20));
        accepted += reply.equals("+OK\r\n") ? 1 : 0;
      }
      assertEquals(TOO_MANY + "\r\n", reply);
      assertTrue(accepted >= 4 && accepted < 8, "accepted " + accepted);
      assertEquals("+OK\r\n", call(client, "ACL", "SETUSER", "stars", "on", "nopass", "+@all", "resetkeys",
          "~" + "*a".repeat(100_000) + "b"));
      assertEquals("+OK\r\n", call(client, "AUTH", "stars", "x"));
      assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n",
          call(client, "GET", "a".repeat(5_000)));
      assertEquals("-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters"
          + " and contain only lowercase hexadecimal characters\r\n", call(client, "ACL", "SETUSER", "x", "#abc"));
      assertEquals("+PONG\r\n", call(client, "PING"));
    }
  }

  /**
   * With a token, the default user has it as its one password (its digest in {@code ACL LIST}); the text protocol
   * signs in with the default user's passwords, so a password set by {@code ACL SETUSER default} works there too.
   */
  @Test
  void theTokenIsTheDefaultUsersPassword() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20,
            builder -> builder.authToken("s3cret"));
        LineClient resp = LineClient.unix(server.unixPath());
        LineClient text = LineClient.unix(server.unixPath())) {
      assertEquals("+OK\r\n", call(resp, "AUTH", "s3cret"));
      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("s3cret".getBytes()));
      assertEquals("*1\r\n$" + (29 + digest.length()) + "\r\nuser default on #" + digest + " ~* &* +@all\r\n",
          call(resp, "ACL", "LIST"));
      assertEquals("+OK\r\n", call(resp, "ACL", "SETUSER", "default", ">second"));
      text.send("AUTH second\r\n".getBytes());
      assertEquals("OK", text.readLine());
    }
  }

  /**
   * Without a token, a password that {@code ACL SETUSER default} gives the default user holds on the text protocol
   * too, whose connections run as that user: {@code NOAUTH} until {@code AUTH} gives it (the text protocol answered
   * every word before: a RESP client was refused while a text client on the same port read and wrote).
   */
  @Test
  void aPasswordSetByAclHoldsOnTheTextProtocol() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient resp = LineClient.unix(server.unixPath());
        LineClient text = LineClient.unix(server.unixPath())) {
      assertEquals("+OK\r\n", call(resp, "SET", "secret", "v"));
      assertEquals("+OK\r\n", call(resp, "ACL", "SETUSER", "default", "resetpass", ">s3cret"));
      text.send("GET secret\r\n".getBytes());
      assertEquals("ERROR NOAUTH authentication required", text.readLine());
      text.send("AUTH wrong\r\n".getBytes());
      assertEquals("ERROR WRONGPASS invalid auth token", text.readLine());
      text.send("FLUSH\r\n".getBytes());
      assertEquals("ERROR NOAUTH authentication required", text.readLine());
      text.send("AUTH s3cret\r\n".getBytes());
      assertEquals("OK", text.readLine());
      text.send("GET secret\r\n".getBytes());
      assertEquals("VALUE dg==", text.readLine());
    }
  }

  /** redis-py, Debian's {@code python3-redis}, signs in with {@code redis://user:pass@host/db}, and is refused. */
  @Test
  void redisPySignsInWithAUserFromItsUrl() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python)
        && new ProcessBuilder(python.toString(), "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient admin = LineClient.unix(server.unixPath())) {
      assertEquals("+OK\r\n", call(admin, "ACL", "SETUSER", "app", "on", ">apppass", "~app:*", "+@all"));
      InetSocketAddress address = Objects.requireNonNull(server.tcpAddress());
      String script = String.join("\n",
          "import redis, sys",
          "r = redis.Redis.from_url('redis://app:apppass@127.0.0.1:" + address.getPort() + "/1')",
          "assert r.acl_whoami() in (b'app', 'app')",
          "r.set('app:k', 'v')",
          "assert r.get('app:k') == b'v'",
          "try:",
          "    r.get('other')",
          "    sys.exit('no refusal')",
          "except redis.exceptions.NoPermissionError as e:",
          "    print('refused', e)",
          "try:",
          "    redis.Redis.from_url('redis://app:wrong@127.0.0.1:" + address.getPort() + "/0').ping()",
          "    sys.exit('wrong password accepted')",
          "except redis.exceptions.ResponseError as e:",
          "    assert str(e).startswith('WRONGPASS'), e",
          "print('ok')");
      String output = RealClientsIT.run(dir, Duration.ofSeconds(60), python.toString(), "-c", script);
      assertTrue(output.endsWith("ok\n"), output);
    }
  }
}
