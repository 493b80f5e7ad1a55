package io.blinkstore.spring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.server.BlinkServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Cacheable(sync = true)} across two application processes that share the sidecar: both miss the same key
 * at the same moment, and the method runs once, in one of them (the fill lease), the other getting its value. The
 * method counts its runs in the sidecar and takes 0.7 s, so the second process asks while the first loads.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncAcrossProcessesIT {
  @TempDir Path dir;

  @Test
  void twoProcessesMissingOneKeyLoadItOnce() throws Exception {
    try (BlinkServer server = SidecarServer.start(dir)) {
      String address = SidecarServer.tcpAddress(server);
      List<Process> workers = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          workers.add(start(address, "shared-key"));
        }
        List<BufferedReader> outputs = new ArrayList<>();
        for (Process worker : workers) {
          BufferedReader output = new BufferedReader(new InputStreamReader(worker.getInputStream(), UTF_8));
          assertEquals("ready", nextLine(output), "a worker started its application");
          outputs.add(output);
        }
        for (Process worker : workers) {
          OutputStream input = worker.getOutputStream();
          input.write("go\n".getBytes(UTF_8));
          input.flush();
        }
        List<String> results = new ArrayList<>();
        for (BufferedReader output : outputs) {
          results.add(nextLine(output));
        }
        assertEquals(results.get(0), results.get(1), "both got the one loaded value");
        assertTrue(results.get(0).startsWith("result loaded by "), results::toString);
        try (BlinkStore store = BlinkClient.connect(address)) {
          assertEquals("1", store.getString("loads:shared-key"), "the method ran once in all");
        }
        for (Process worker : workers) {
          assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "a worker exits after its call");
          assertEquals(0, worker.exitValue());
        }
      } finally {
        for (Process worker : workers) {
          worker.destroyForcibly();
        }
      }
    }
  }

  private Process start(String address, String key) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SyncWorker.class.getName(),
        address, key)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** The worker's next line of its own ({@code ready} or {@code result ...}), past anything else it prints. */
  private static String nextLine(BufferedReader output) throws IOException {
    while (true) {
      String line = output.readLine();
      if (line == null) {
        throw new IOException("a worker exited early");
      }
      if (line.equals("ready") || line.startsWith("result ")) {
        return line;
      }
    }
  }
}
