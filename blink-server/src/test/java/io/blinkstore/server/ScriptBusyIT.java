package io.blinkstore.server;

import static io.blinkstore.server.RespIT.readReply;
import static io.blinkstore.server.RespIT.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script that loops for ever, over real sockets: its caller waits, the others get {@code -BUSY} once it has run
 * {@code busy-reply-threshold} (set low here), in Redis's words; {@code SCRIPT KILL} ends a script that has not
 * written (its caller gets Redis's error), refuses one that has ({@code -UNKILLABLE}), and answers
 * {@code -NOTBUSY} when none runs; the server's close ends even a script that wrote. The server keeps serving
 * meanwhile: the script runs on no event loop.
 */
@Timeout(60)
class ScriptBusyIT {
  static final String BUSY =
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

  @TempDir Path dir;

  /** Sends PING on {@code client} until it is answered {@code -BUSY}: the script has then run past the threshold. */
  private static void awaitBusy(LineClient client) throws Exception {
    for (int i = 0; i < 1000; i++) {
      client.send(resp("PING"));
      String reply = readReply(client);
      if (reply.equals(BUSY)) {
        return;
      }
      assertEquals("+PONG\r\n", reply, "before the script starts");
    }
    throw new AssertionError("never busy");
  }

  @Test
  void aLoopingScriptMakesOthersBusyUntilScriptKillEndsIt() throws Exception {
    String script = "local i = 0\nwhile true do i = i + 1 end";
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient caller = LineClient.unix(server.unixPath());
        LineClient other = LineClient.unix(server.unixPath())) {
      other.send(resp("CONFIG", "SET", "busy-reply-threshold", "100"));
      assertEquals("+OK\r\n", readReply(other));
      other.send(resp("SCRIPT", "KILL"));
      assertEquals("-NOTBUSY No scripts in execution right now.\r\n", readReply(other));
      caller.send(resp("EVAL", script, "0"));
      awaitBusy(other);
      other.send(resp("GET", "k"));
      assertEquals(BUSY, readReply(other), "past the threshold, at once");
      other.send(resp("SCRIPT", "KILL"));
      assertEquals("+OK\r\n", readReply(other));
      String reply = readReply(caller);
      assertTrue(reply.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), reply);
      assertTrue(reply.endsWith(", on @user_script:2.\r\n"), reply);
      other.send(resp("PING"));
      assertEquals("+PONG\r\n", readReply(other));
      caller.send(resp("EVAL", "return 'again'", "0"));
      assertEquals("$5\r\nagain\r\n", readReply(caller));
    }
  }

  @Test
  void aScriptThatWroteCannotBeKilledAndTheServersCloseEndsIt() throws Exception {
    BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
    try (LineClient caller = LineClient.unix(server.unixPath());
        LineClient other = LineClient.unix(server.unixPath())) {
      other.send(resp("CONFIG", "SET", "lua-time-limit", "100"));
      assertEquals("+OK\r\n", readReply(other));
      caller.send(resp("EVAL", "redis.call('SET', 'x', '1') while true do end", "0"));
      awaitBusy(other);
      other.send(resp("SCRIPT", "KILL"));
      assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
          + "either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE "
          + "command.\r\n", readReply(other));
      server.close();
      String reply = caller.readLine();
      assertTrue(reply == null || reply.startsWith("-ERR script stopped: the server is shutting down"), reply);
    } finally {
      server.close();
    }
  }
}
