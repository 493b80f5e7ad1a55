package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function libraries loaded one after another into a server process with a small heap (the launcher's for
 * {@code --memory-limit 64MB}, 92 MiB) that stops on an {@code OutOfMemoryError} as the launcher's does (REV3's
 * finding: 15 libraries of 3 MiB ended it, within the old bound of 64 MiB of code). Libraries of 64 KiB of code that
 * compiles to many instructions per byte are now refused once what they hold compiled reaches an eighth of the heap
 * ({@code -ERR function libraries full}), and the server serves on with its data. A library past the size one may
 * have is refused before it is compiled.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FunctionHeapIT {
  /** One function's body, repeated: REV3's ({@code x = 1}) and the most instructions per byte measured. */
  private static final List<String> BODIES = List.of("  x = 1\n", "a=-(-(-(-(-(-(-(-(-(-b)))))))))\n");
  /** {@code FunctionLibraries.MAX_LIBRARY_BYTES}. */
  private static final int MAX_LIBRARY_BYTES = 256 << 10;
  /** Each library's size: small enough to compile well within the load's 500 ms on a busy machine. */
  private static final int LIBRARY_BYTES = 64 << 10;

  @TempDir Path dir;

  /** A library named {@code name} of at most {@code bytes} bytes: a function never called, of {@code body}s. */
  private static String library(String name, String body, int bytes) {
    String head = "#!lua name=" + name + "\nlocal function never()\nlocal a, b = 1, 2\n";
    String tail = "end\nredis.register_function('f_" + name + "', function() return 1 end)\n";
    StringBuilder code = new StringBuilder(head);
    while (code.length() + body.length() + tail.length() <= bytes) {
      code.append(body);
    }
    return code.append(tail).toString();
  }

  @Test
  void librariesPastTheHeapsShareAreRefusedAndTheServerServesOn() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, List.of("-Xmx92m", "-Xms32m", "-Xmn8m", "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=2m", "-XX:+ExitOnOutOfMemoryError"), 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient client = LineClient.tcp(server.address())) {
      assertEquals("+OK\r", client.send(ProcessAttackIT.resp("SET", "precious", "jewels")).readLine());
      for (int b = 0; b < BODIES.size(); b++) {
        int loaded = 0;
        String reply;
        while (true) {
          String name = "lib" + b + "_" + loaded;
          reply = client.send(ProcessAttackIT.resp("FUNCTION", "LOAD", library(name, BODIES.get(b),
              LIBRARY_BYTES))).readLine(Duration.ofSeconds(60));
          assertNotNull(reply, "library " + name + ": the server closed the connection\n" + server.log());
          if (!reply.startsWith("$")) {
            break;
          }
          assertEquals(name + "\r", client.readLine());
          loaded++;
          assertTrue(loaded < 1024, "1024 libraries of 64 KiB loaded: no bound met");
        }
        assertTrue(reply.startsWith("-ERR function libraries full (at most 10000 functions and "), reply);
        assertTrue(loaded >= 1, "not one library of " + BODIES.get(b) + " loaded: " + reply);
        assertEquals("$6\r", client.send(ProcessAttackIT.resp("GET", "precious")).readLine());
        assertEquals("jewels\r", client.readLine());
        assertEquals("+OK\r", client.send(ProcessAttackIT.resp("FUNCTION", "FLUSH")).readLine());
        assertTrue(server.isAlive(), server.log());
      }
      String tooLarge = library("toolarge", BODIES.get(0), MAX_LIBRARY_BYTES + 64);
      assertEquals("-ERR library code too large (" + tooLarge.length() + " bytes; at most " + MAX_LIBRARY_BYTES
          + " per library)\r", client.send(ProcessAttackIT.resp("FUNCTION", "LOAD", tooLarge)).readLine());
      assertFalse(server.log().contains("OutOfMemoryError"), server.log());
    }
  }
}
