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
      try (LineClient text = LineClient.unix(server.unixPath())) {
        text.send("GET k\n");
        assertEquals("ERROR " + BUSY.substring(1, BUSY.length() - 2), text.readLine(), "the text protocol");
      }
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

  /**
   * Redis's {@code MULTI and script timeout} and {@code EXEC and script timeout} ({@code unit/multi}): while a
   * script runs past the threshold, {@code MULTI}, {@code DISCARD} and the others Redis answers then are answered at
   * once, the commands of a transaction get {@code -BUSY} and make its {@code EXEC} abort, {@code WATCH} gets
   * {@code -BUSY} (it reads the store), and every connection, on any event loop, is answered, {@code SCRIPT KILL}
   * too. Before these commands stopped waiting for the gate, {@code MULTI} waited for the script's end on its event
   * loop, and nothing here was answered.
   */
  @Test
  void transactionCommandsDuringABusyScriptAreAnsweredAtOnce() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient caller = LineClient.unix(server.unixPath());
        LineClient other = LineClient.unix(server.unixPath());
        LineClient queued = LineClient.unix(server.unixPath());
        LineClient watcher = LineClient.unix(server.unixPath())) {
      other.send(resp("CONFIG", "SET", "lua-time-limit", "10"));
      assertEquals("+OK\r\n", readReply(other));
      other.send(resp("SET", "xx", "1"));
      assertEquals("+OK\r\n", readReply(other));
      queued.send(resp("MULTI"));
      assertEquals("+OK\r\n", readReply(queued));
      queued.send(resp("INCR", "xx"));
      assertEquals("+QUEUED\r\n", readReply(queued));
      caller.send(resp("EVAL", "while true do end", "0"));
      awaitBusy(other);
      queued.send(resp("INCR", "xx"));
      assertEquals(BUSY, readReply(queued));
      queued.send(resp("EXEC"));
      assertEquals("-EXECABORT Transaction discarded because of: " + BUSY.substring(1), readReply(queued));
      queued.send(resp("MULTI"));
      assertEquals("+OK\r\n", readReply(queued), "answered at once, as in Redis");
      queued.send(resp("INCR", "xx"));
      assertEquals(BUSY, readReply(queued));
      watcher.send(resp("WATCH", "xx"));
      assertEquals(BUSY, readReply(watcher), "WATCH reads the store: busy, never waiting");
      watcher.send(resp("UNWATCH"));
      assertEquals("+OK\r\n", readReply(watcher));
      for (int i = 0; i < 4; i++) { // on every event loop
        try (LineClient fresh = LineClient.unix(server.unixPath())) {
          fresh.send(resp("MULTI"));
          assertEquals("+OK\r\n", readReply(fresh));
          fresh.send(resp("DISCARD"));
          assertEquals("+OK\r\n", readReply(fresh));
          fresh.send(resp("RENAME", "xx", "yy"));
          assertEquals(BUSY, readReply(fresh));
        }
      }
      other.send(resp("SCRIPT", "KILL"));
      assertEquals("+OK\r\n", readReply(other));
      assertTrue(readReply(caller).startsWith("-ERR Script killed by user with SCRIPT KILL..."));
      queued.send(resp("INCR", "xx"));
      assertEquals("+QUEUED\r\n", readReply(queued));
      queued.send(resp("EXEC"));
      assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", readReply(queued));
      queued.send(resp("GET", "xx"));
      assertEquals("$1\r\n1\r\n", readReply(queued), "no transaction ran in part");
    }
  }
}
