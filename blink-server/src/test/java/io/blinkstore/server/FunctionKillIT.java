package io.blinkstore.server;

import static io.blinkstore.server.RealClientsIT.against;
import static io.blinkstore.server.RespIT.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A function that never returns, end to end over sockets, against our server and a real {@code redis-server}: past
 * {@code busy-reply-threshold} (set low here) another client gets Redis's {@code BUSY} that names
 * {@code FUNCTION KILL}; {@code SCRIPT KILL} does not stop a function, nor {@code FUNCTION KILL} a script;
 * {@code FUNCTION STATS} shows the function running and its command; {@code FUNCTION KILL} ends it, its caller gets
 * Redis's error, and every client is served again.
 */
@Timeout(120)
class FunctionKillIT {
  private static final String LIBRARY = "#!lua name=looping\n"
      + "redis.register_function('loop', function(keys, args) while true do end end)";
  private static final String BUSY_FUNCTION =
      "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r";
  private static final String BUSY_SCRIPT =
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r";
  private static final Duration PAST_THE_LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.RealClientsIT#peers")
  void aFunctionThatNeverReturnsIsEndedByFunctionKillAndOnlyByIt(RealClientsIT.Peer peer) throws Exception {
    against(dir, peer, address -> {
      try (LineClient caller = LineClient.tcp(address);
          LineClient other = LineClient.tcp(address)) {
        assertEquals("+OK\r", other.send(resp("CONFIG", "SET", "busy-reply-threshold", "100")).readLine());
        assertEquals("$7\r", other.send(resp("FUNCTION", "LOAD", "REPLACE", LIBRARY)).readLine());
        assertEquals("looping\r", other.readLine());
        caller.send(resp("FCALL", "loop", "0"));
        assertEquals(BUSY_FUNCTION, pingUntilNotPong(other), "a command while the function runs");
        assertEquals(BUSY_FUNCTION, other.send(resp("SCRIPT", "KILL")).readLine(), "SCRIPT KILL of a function");
        String stats = RespIT.readReply(other.send(resp("FUNCTION", "STATS")));
        assertTrue(stats.startsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nloop\r\n$7\r\ncommand\r\n"
            + "*3\r\n$5\r\nFCALL\r\n$4\r\nloop\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:"), stats);
        assertEquals("+OK\r", other.send(resp("FUNCTION", "KILL")).readLine());
        assertEquals("-ERR Script killed by user with SCRIPT KILL... script: loop, on @user_function:2.\r",
            caller.readLine());
        assertEquals("+PONG\r", other.send(resp("PING")).readLine());
        assertEquals("+PONG\r", caller.send(resp("PING")).readLine());
        assertEquals("-NOTBUSY No scripts in execution right now.\r",
            other.send(resp("FUNCTION", "KILL")).readLine());

        caller.send(resp("EVAL", "while true do end", "0"));
        assertEquals(BUSY_SCRIPT, pingUntilNotPong(other), "a command while a script runs");
        assertEquals(BUSY_SCRIPT, other.send(resp("FUNCTION", "KILL")).readLine(), "FUNCTION KILL of a script");
        assertEquals(BUSY_SCRIPT, other.send(resp("FUNCTION", "STATS")).readLine(), "FUNCTION STATS in a script");
        assertEquals("+OK\r", other.send(resp("SCRIPT", "KILL")).readLine());
        assertTrue(caller.readLine().startsWith("-ERR Script killed by user with SCRIPT KILL..."));
        assertEquals("+OK\r", other.send(resp("CONFIG", "SET", "busy-reply-threshold", "5000")).readLine());
        assertEquals("+OK\r", other.send(resp("FUNCTION", "FLUSH")).readLine());
      }
    });
  }

  /** PINGs until the reply is not PONG (the function has run past the threshold); returns that reply. */
  private static String pingUntilNotPong(LineClient client) throws Exception {
    long deadline = System.nanoTime() + PAST_THE_LIMIT.toNanos();
    String reply;
    do {
      reply = client.send(resp("PING")).readLine(PAST_THE_LIMIT);
    } while ("+PONG\r".equals(reply) && System.nanoTime() < deadline);
    return reply;
  }
}
