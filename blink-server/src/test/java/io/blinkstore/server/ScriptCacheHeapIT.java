package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several connections at once each loading distinct large scripts into a server process with a small heap (the
 * launcher's for {@code --memory-limit 64MB}, 92 MiB) that stops on an {@code OutOfMemoryError} as the launcher's
 * does. A script past {@code ScriptEngine.MAX_SCRIPT_BYTES} is refused before it is compiled (a 1 MiB one used to be
 * compiled on the event loop, holding several times its size meanwhile); scripts within it are kept until what they
 * hold compiled reaches the cache's share of the heap ({@code -ERR script cache full}), and the server serves on
 * with its data.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptCacheHeapIT {
  /** {@code ScriptEngine.MAX_SCRIPT_BYTES}. */
  private static final int MAX_SCRIPT_BYTES = 256 << 10;
  /** The most instructions per byte measured for luaj (docs/resp.md, Functions). */
  private static final String BODY = "a=-(-(-(-(-(-(-(-(-(-b)))))))))\n";
  private static final int CONNECTIONS = 4;

  @TempDir Path dir;

  /** A script of about {@code bytes} bytes, distinct by {@code name}, that compiles to many instructions. */
  private static String script(String name, int bytes) {
    StringBuilder code = new StringBuilder("-- ").append(name).append("\nlocal a, b = 1, 2\n");
    while (code.length() + BODY.length() + 9 <= bytes) {
      code.append(BODY);
    }
    return code.append("return 1\n").toString();
  }

  /** Loads distinct scripts of 64 KiB on one connection until the cache is full; how many it kept. */
  private static int loadUntilFull(ServerProcess server, int connection) throws Exception {
    try (LineClient client = LineClient.tcp(server.address())) {
      String tooLarge = script("large" + connection, 1 << 20);
      assertEquals("-ERR script too large (" + tooLarge.length() + " bytes; at most " + MAX_SCRIPT_BYTES
          + " per script)\r", client.send(ProcessAttackIT.resp("SCRIPT", "LOAD", tooLarge))
          .readLine(Duration.ofSeconds(60)), server.log());
      int kept = 0;
      for (int i = 0; i < 1024; i++) {
        String reply = client.send(ProcessAttackIT.resp("SCRIPT", "LOAD", script("c" + connection + "_" + i,
            64 << 10))).readLine(Duration.ofSeconds(60));
        assertNotNull(reply, "script " + i + ": the server closed the connection\n" + server.log());
        if (reply.startsWith("$")) {
          client.readLine();
          kept++;
        } else if (reply.startsWith("-ERR script cache full (at most 10000 scripts and ")) {
          return kept;
        } else {
          assertTrue(reply.startsWith("-ERR Error compiling script (new function): compiling took more than"),
              reply); // a busy machine may take longer: refused, never left running on the event loop
        }
      }
      throw new AssertionError("1024 scripts of 64 KiB loaded on one connection: no bound met");
    }
  }

  @Test
  void distinctLargeScriptsFromSeveralConnectionsAreRefusedPastTheBoundsAndTheServerServesOn() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, List.of("-Xmx92m", "-Xms32m", "-Xmn8m", "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=2m", "-XX:+ExitOnOutOfMemoryError"), 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient client = LineClient.tcp(server.address())) {
      assertEquals("+OK\r", client.send(ProcessAttackIT.resp("SET", "precious", "jewels")).readLine());
      ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
      try {
        List<Future<Integer>> loads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
          int connection = c;
          loads.add(pool.submit(() -> loadUntilFull(server, connection)));
        }
        int kept = 0;
        for (Future<Integer> load : loads) {
          kept += load.get();
        }
        assertTrue(kept >= 1, "not one script kept");
      } finally {
        pool.shutdownNow();
      }
      assertEquals("$6\r", client.send(ProcessAttackIT.resp("GET", "precious")).readLine());
      assertEquals("jewels\r", client.readLine());
      assertTrue(server.isAlive(), server.log());
      assertFalse(server.log().contains("OutOfMemoryError"), server.log());
    }
  }
}
