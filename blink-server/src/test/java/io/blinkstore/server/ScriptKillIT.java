package io.blinkstore.server;

import static io.blinkstore.server.RealClientsIT.against;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A script that never returns ({@code while true do end}), end to end over sockets, against our server and a real
 * {@code redis-server}: past {@code lua-time-limit} (5 s, the default of both) another client's command and another
 * script get {@code -BUSY}; {@code SCRIPT KILL} ends the script, whose caller gets Redis's error; then every client,
 * the script's caller included, and a new connection are served again. The time from {@code SCRIPT KILL} to the
 * caller's error is printed (a figure, not a check: docs/BENCHMARKS.md).
 */
@Timeout(120)
class ScriptKillIT {
  private static final String LOOP = "while true do end";
  private static final String LOOP_SHA = "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7";
  private static final String BUSY =
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r";
  private static final Duration PAST_THE_LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.RealClientsIT#peers")
  void aScriptThatNeverReturnsLeavesOthersAnsweredBusyAndScriptKillEndsIt(RealClientsIT.Peer peer)
      throws Exception {
    against(dir, peer, address -> {
      try (LineClient caller = LineClient.tcp(address);
          LineClient other = LineClient.tcp(address)) {
        caller.send(RespIT.resp("EVAL", LOOP, "0"));
        assertEquals(BUSY, pingUntilNotPong(other), "a command while the script runs");
        assertEquals(BUSY, other.send(RespIT.resp("EVAL", "return 1", "0")).readLine(), "another script");
        assertEquals(BUSY, other.send(RespIT.resp("GET", "k")).readLine(), "a read");

        long killed = System.nanoTime();
        assertEquals("+OK\r", other.send(RespIT.resp("SCRIPT", "KILL")).readLine());
        assertEquals("-ERR Script killed by user with SCRIPT KILL... script: " + LOOP_SHA + ", on @user_script:1.\r",
            caller.readLine());
        System.out.printf("ScriptKillIT [%s]: SCRIPT KILL to the caller's error: %.1f ms%n", peer,
            (System.nanoTime() - killed) / 1e6);

        assertEquals("+PONG\r", other.send(RespIT.resp("PING")).readLine());
        assertEquals("+PONG\r", caller.send(RespIT.resp("PING")).readLine());
        assertEquals("-NOTBUSY No scripts in execution right now.\r",
            other.send(RespIT.resp("SCRIPT", "KILL")).readLine());
        try (LineClient late = LineClient.tcp(address)) {
          assertEquals("+OK\r", late.send(RespIT.resp("SET", "k", "v")).readLine());
          assertEquals(":1\r", late.send(RespIT.resp("EVAL", "return 1", "0")).readLine());
        }
      }
    });
  }

  /**
   * PINGs until the reply is not PONG (the script has started: the PING waits for the time limit, then is
   * answered BUSY), for at most {@link #PAST_THE_LIMIT}; returns that reply.
   */
  private static String pingUntilNotPong(LineClient client) throws Exception {
    long deadline = System.nanoTime() + PAST_THE_LIMIT.toNanos();
    String reply;
    do {
      reply = client.send(RespIT.resp("PING")).readLine(PAST_THE_LIMIT);
    } while ("+PONG\r".equals(reply) && System.nanoTime() < deadline);
    return reply;
  }
}
