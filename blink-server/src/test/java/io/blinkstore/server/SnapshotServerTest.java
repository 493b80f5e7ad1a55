package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkSnapshots;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.SnapshotFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlinkServer} with snapshots, the disk replaced by a stand-in ({@link SnapshotFiles}): the load before the
 * sockets bind, the save at {@link BlinkServer#close} (what SIGTERM runs) that a full disk cannot hang or fail, the
 * refusal of a corrupt file, the metrics, and the builder's checks; and {@code --snapshot-interval}'s forms.
 */
class SnapshotServerTest {
  @TempDir Path dir;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private volatile @Nullable IOException saveFailure;
  private volatile @Nullable IOException loadFailure;

  private final SnapshotFiles files = new SnapshotFiles() {
    @Override
    public BlinkSnapshots.SaveReport save(Path path, Map<String, byte[]> metadata) throws IOException {
      events.add("save " + path.getFileName());
      IOException failure = saveFailure;
      if (failure != null) {
        throw failure;
      }
      return new BlinkSnapshots.SaveReport(2, 345, 67, Duration.ofMillis(8));
    }

    @Override
    public BlinkSnapshots.LoadReport load(Path path) throws IOException {
      events.add("load " + path.getFileName() + (listening() ? " while listening" : ""));
      IOException failure = loadFailure;
      if (failure != null) {
        throw failure;
      }
      return new BlinkSnapshots.LoadReport(5, 1, 0, Map.of(), Duration.ofMillis(3));
    }
  };

  private int port;

  /** Whether anything accepts connections on the port the server is to bind. */
  private boolean listening() {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private BlinkServerBuilder builder() throws IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    return BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(1 << 20).build())
        .tcp(new InetSocketAddress("127.0.0.1", port))
        .metrics(new InetSocketAddress("127.0.0.1", 0))
        .snapshot(dir.resolve("blink.snapshot"))
        .snapshotFiles(files);
  }

  @Test
  void theSnapshotIsLoadedBeforeTheSocketBindsAndSavedAtClose() throws Exception {
    Files.writeString(dir.resolve("blink.snapshot"), "a file the stand-in loads");
    BlinkServer server = builder().build().start();
    assertEquals(List.of("load blink.snapshot"), events);
    server.close();
    assertEquals(List.of("load blink.snapshot", "save blink.snapshot"), events);
    server.close();
    assertEquals(2, events.size(), "one save: close is idempotent");
  }

  @Test
  void aSaveAtCloseThatFailsIsLoggedAndTheCloseEnds() throws Exception {
    BlinkServer server = builder().build().start();
    saveFailure = new IOException("No space left on device");
    server.close();
    assertEquals(List.of("save blink.snapshot"), events);
    assertTrue(!listening(), "closed");
  }

  @Test
  void aCorruptFileWithRefuseFailsTheStartAndBindsNothing() throws Exception {
    Files.writeString(dir.resolve("blink.snapshot"), "corrupt");
    loadFailure = new BlinkSnapshots.CorruptSnapshotException("bad checksum in block 3");
    BlinkServer server = builder().snapshotOnCorrupt(BlinkServer.CorruptSnapshot.REFUSE).build();
    BlinkException refused = assertThrows(BlinkException.class, server::start);
    assertTrue(refused.getMessage().contains("bad checksum in block 3"), refused.getMessage());
    assertEquals(List.of("load blink.snapshot"), events, "no save after a start that failed");
    assertTrue(!listening(), "nothing bound");
    assertTrue(Files.exists(dir.resolve("blink.snapshot")));
    server.close();
    assertEquals(1, events.size());
  }

  @Test
  void theMetricsCarryTheSnapshotFigures() throws Exception {
    try (BlinkServer server = builder().build().start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.metricsAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      String body = scrape.body();
      for (String line : List.of("blink_snapshot_enabled 1", "blink_snapshot_in_progress 0",
          "blink_snapshot_last_ok 1", "blink_snapshot_saves_total 0", "blink_snapshot_failures_total 0",
          "blink_snapshot_last_duration_seconds -1", "# TYPE blink_snapshot_failures_total counter")) {
        assertTrue(body.contains("\n" + line + "\n"), () -> line + " in\n" + body);
      }
    }
  }

  @Test
  void snapshotSettingsWithoutAPathAreRefusedByTheBuilder() {
    BlinkServerBuilder builder = BlinkServer.builder().store(BlinkStore.builder().build())
        .tcp(new InetSocketAddress("127.0.0.1", 0)).snapshotWrites(5);
    assertThrows(IllegalStateException.class, builder::build);
    assertThrows(IllegalArgumentException.class, () -> BlinkServer.builder().snapshotInterval(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> BlinkServer.builder().snapshotWrites(-1));
  }

  @Test
  void theSnapshotIntervalTakesSecondsOrAUnit() {
    assertEquals(Duration.ofSeconds(300), ServeCommand.interval("300"));
    assertEquals(Duration.ofSeconds(300), ServeCommand.interval("300s"));
    assertEquals(Duration.ofMinutes(5), ServeCommand.interval("5m"));
    assertEquals(Duration.ofHours(1), ServeCommand.interval("1h"));
    assertEquals(Duration.ofMillis(500), ServeCommand.interval("500ms"));
    for (String bad : List.of("0", "0s", "-5m", "5 m", "5d", "m", "", "1.5h", "9999999999")) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> ServeCommand.interval(bad), bad);
      assertTrue(refused.getMessage().startsWith("--snapshot-interval must be a positive time"), bad);
    }
  }
}
