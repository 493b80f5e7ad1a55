package io.blinkstore.server;

import static io.blinkstore.server.RedisParityIT.linesUpToEnd;
import static io.blinkstore.server.RedisParityIT.replies;
import static io.blinkstore.server.RedisParityIT.requests;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RESET} against a real {@code redis-server}, byte for byte: it discards {@code MULTI}, ends the watches,
 * leaves {@code MONITOR}, goes back to RESP2 and database 0, clears the name and {@code CLIENT REPLY OFF}, and signs
 * the connection out where the server has a password. Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class ResetParityIT {
  private static final String PASSWORD = "s3cret";

  /**
   * One connection's requests (replies dropped by {@code CLIENT REPLY} leave no line, so the lines are compared
   * up to {@code ECHO end}'s). {@code HELLO 3}'s reply, which holds the client id, is dropped by a {@code SKIP}.
   */
  private static final List<List<String>> REQUESTS = List.of(
      List.of("SELECT", "5"),
      List.of("SET", "k", "in five"),
      List.of("CLIENT", "SETNAME", "before"),
      List.of("CLIENT", "REPLY", "SKIP"),
      List.of("HELLO", "3"),
      List.of("GET", "missing"),
      List.of("MULTI"),
      List.of("SET", "queued", "1"),
      List.of("RESET"),
      List.of("EXEC"),
      List.of("GET", "queued"),
      List.of("GET", "missing"),
      List.of("CLIENT", "GETNAME"),
      List.of("GET", "k"),
      List.of("SELECT", "5"),
      List.of("GET", "k"),
      List.of("MULTI"),
      List.of("NOSUCHCOMMAND"),
      List.of("RESET"),
      List.of("EXEC"),
      List.of("RESET", "extra"),
      List.of("CLIENT", "REPLY", "OFF"),
      List.of("PING"),
      List.of("RESET"),
      List.of("PING"),
      List.of("CLIENT", "REPLY", "SKIP"),
      List.of("RESET"),
      List.of("PING"),
      List.of("reset"),
      List.of("ECHO", "end"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void resetMatchesRedisByteForByte() throws Exception {
    byte[] requests = requests(REQUESTS);
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket())) {
      assertEquals(linesUpToEnd(theirs, requests), linesUpToEnd(ours, requests));
    }
  }

  /** After {@code RESET} a write of a key watched before it does not abort the next transaction. */
  @Test
  void resetEndsTheWatchesAsRedis() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath()); LineClient oursOther = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket());
        LineClient theirsOther = LineClient.unix(redis.socket())) {
      assertEquals(watchResetWrite(theirs, theirsOther), watchResetWrite(ours, oursOther));
    }
  }

  private static List<String> watchResetWrite(LineClient client, LineClient other) throws Exception {
    List<String> replies = new ArrayList<>(replies(client, requests(List.of(List.of("WATCH", "w"),
        List.of("RESET"))), 2));
    replies.addAll(replies(other, RespIT.resp("SET", "w", "changed"), 1));
    replies.addAll(replies(client, requests(List.of(List.of("MULTI"), List.of("GET", "w"), List.of("EXEC"))), 3));
    return replies;
  }

  /** A monitor that sends {@code RESET} receives no more lines of other clients' commands. */
  @Test
  void resetLeavesMonitorAsRedis() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath()); LineClient oursOther = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket());
        LineClient theirsOther = LineClient.unix(redis.socket())) {
      assertEquals(monitorThenReset(theirs, theirsOther), monitorThenReset(ours, oursOther));
    }
  }

  private static List<String> monitorThenReset(LineClient monitor, LineClient other) throws Exception {
    List<String> lines = new ArrayList<>(replies(monitor, requests(List.of(List.of("MONITOR"), List.of("RESET"))),
        2));
    replies(other, RespIT.resp("SET", "seen", "no"), 1);
    lines.addAll(linesUpToEnd(monitor, RespIT.resp("ECHO", "end")));
    return lines;
  }

  /** With a password, {@code RESET} signs the connection out: its next command is {@code NOAUTH}. */
  @Test
  void resetSignsOutAsARedisWithAPassword() throws Exception {
    try (LineClient admin = LineClient.unix(redis.socket())) {
      admin.send(RespIT.resp("CONFIG", "SET", "requirepass", PASSWORD));
      assertEquals("+OK\r\n", RespIT.readReply(admin));
    }
    List<List<String>> requests = List.of(List.of("AUTH", PASSWORD), List.of("SET", "k", "v"), List.of("RESET"),
        List.of("GET", "k"), List.of("RESET"), List.of("AUTH", PASSWORD), List.of("GET", "k"));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20,
            builder -> builder.authToken(PASSWORD));
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket())) {
      assertEquals(replies(theirs, requests(requests), requests.size()),
          replies(ours, requests(requests), requests.size()));
    }
  }
}
