package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REV5's finding 3 ({@code Rev5FunctionHeapIT} of the review): what a function library's code makes as it loads,
 * and its functions capture, counts against the libraries' bound ({@code FunctionLibraries.MAX_HELD_BYTES}: 64 MiB
 * in the tests' 512 MiB heap). Each library here keeps four strings of 4 MiB, built by concatenation at load, in a
 * table its function captures. Before, all six loads (96 MiB kept) were accepted and {@code used_memory_functions}
 * reported a few KiB; now the libraries are held to the bound, counted as what their code made (the 4 MiB string's
 * doublings too: 24 MiB a library), the loads past it refused with the bound's error, and {@code FUNCTION FLUSH}
 * gives the bytes back.
 */
@Timeout(120)
class FunctionCapturedHeapIT {
  private static final int LIBRARIES = 6;
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  private static String library(String name) {
    return "#!lua name=" + name + "\n"
        + "local s = 'x' for i = 1, 22 do s = s .. s end\n" // 4 MiB
        + "local t = {s .. '1', s .. '2', s .. '3', s .. '4'}\n"
        + "redis.register_function('" + name + "', function() return #t end)\n";
  }

  @Test
  void whatALibrarysFunctionsCaptureCountsAgainstTheLibrariesBound() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20);
        RawRespClient client = RawRespClient.unix(server.unixPath())) {
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < LIBRARIES; i++) {
        replies.add(request(client, "FUNCTION", "LOAD", library("held" + i)));
      }
      long loaded = replies.stream().filter(reply -> reply.startsWith("$")).count();
      long held = usedMemoryFunctions(client);
      assertTrue(replies.stream().anyMatch(reply -> reply.contains("function libraries full")),
          "the loads of " + LIBRARIES + " libraries keeping 16 MiB each: " + replies + "; used_memory_functions:"
              + held);
      assertTrue(loaded >= 1 && held >= loaded * 16 * MIB && held <= 64 * MIB,
          loaded + " libraries loaded hold " + held + " bytes: " + replies);
      assertEquals(":4\\r\\n", request(client, "FCALL", "held0", "0"), "a loaded library's function keeps its table");
      assertEquals("+OK\\r\\n", request(client, "FUNCTION", "FLUSH"));
      assertEquals(0, usedMemoryFunctions(client), "flushed: the bytes given back");
      assertEquals("$5\\r\\nheld5\\r\\n", request(client, "FUNCTION", "LOAD", library("held5")));
    }
  }

  private static long usedMemoryFunctions(RawRespClient client) throws Exception {
    String memory = request(client, "INFO", "memory");
    int at = memory.indexOf("used_memory_functions:") + "used_memory_functions:".length();
    return Long.parseLong(memory.substring(at, memory.indexOf("\\r\\n", at)));
  }

  private static String request(RawRespClient client, String... request) throws Exception {
    return client.exchange(List.of(List.of(request))).get(0);
  }
}
