package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that build strings until the heap is gone, sent twice each to a server process with a small heap (the
 * launcher's for {@code --memory-limit 64MB}) that stops on an
 * {@code OutOfMemoryError} as the launcher's does: each used to end the server ({@code Terminating due to
 * java.lang.OutOfMemoryError: Java heap space}); each now gets an error, and the server serves on with its data.
 * The concatenation operator is bounded ({@code s = s .. s}), and what scripts build in large pieces (concatenations,
 * the libraries' strings, {@code redis.call}'s replies) makes the heap be looked at at once, however few
 * instructions run between two pieces ({@code t[i] = s .. i}).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptHeapIT {
  private static final List<String> SCRIPTS = List.of(
      "local s = 'x' while true do s = s .. s end",
      "local t = {} local s = string.rep('x', 4e6) for i = 1, 1e6 do t[i] = s .. i end",
      "local t = {} for i = 1, 1e6 do t[i] = string.rep('y', 4e6) end",
      "local s = string.rep('x', 1e6) local t = {} for i = 1, 2000 do t[i] = s end return #table.concat(t)",
      "local s = string.rep('x', 1e6) return #s:gsub('x', s)",
      "return redis.call('SET', 'big', string.rep('x', 6e7))",
      "redis.call('SET', 'v', string.rep('x', 1e6)) local t = {} for i = 1, 1e6 do t[i] = redis.call('GET', 'v') end",
      "local t = {} local s = string.rep('x', 1e6) for i = 1, 1e6 do t[i] = cjson.encode({s}) end");

  @TempDir Path dir;

  @Test
  void scriptsThatBuildPastTheHeapGetAnErrorAndTheServerServesOn() throws Exception {
    // The launcher's heap options for --memory-limit 64MB (G1, 2 MiB regions: a 4 MB string takes three whole ones)
    try (ServerProcess server = ServerProcess.start(dir, List.of("-Xmx92m", "-Xms32m", "-Xmn8m", "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=2m", "-XX:+ExitOnOutOfMemoryError"), 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient client = LineClient.tcp(server.address())) {
      assertEquals("+OK\r", client.send(ProcessAttackIT.resp("SET", "precious", "jewels")).readLine());
      for (String script : Collections.nCopies(2, SCRIPTS).stream().flatMap(List::stream).toList()) {
        String reply = client.send(ProcessAttackIT.resp("EVAL", script, "0")).readLine(Duration.ofSeconds(60));
        assertTrue(reply != null && reply.startsWith("-"), script + " answered " + reply + "\n" + server.log());
        assertEquals("$6\r", client.send(ProcessAttackIT.resp("GET", "precious")).readLine(), script);
        assertEquals("jewels\r", client.readLine());
        assertTrue(server.isAlive(), server.log());
      }
      assertFalse(server.log().contains("OutOfMemoryError"), server.log());
    }
  }
}
