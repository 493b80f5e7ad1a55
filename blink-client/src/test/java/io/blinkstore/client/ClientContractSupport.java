package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import io.blinkstore.server.BlinkServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@link BlinkStoreContract} against a {@link BlinkClient} connected to a real server, one fresh server
 * per store, so that every store starts empty with zeroed counters as the contract requires.
 */
abstract class ClientContractSupport extends BlinkStoreContract {
  private final List<BlinkServer> servers = new ArrayList<>();
  private final List<BlinkClient> clients = new ArrayList<>();

  @TempDir Path dir;

  /** Connects a client to {@code server}, over the transport and protocol of the subclass. */
  abstract BlinkClient connect(BlinkServer server, BlinkClientOptions options);

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    try {
      Path serverDir = Files.createTempDirectory(dir, "server");
      BlinkServer server = Servers.start(serverDir, memoryLimit);
      servers.add(server);
      // A lease far longer than the default 2 s: the contract's loaders hold theirs open until 50 callers have
      // started, and one that lapsed before its FILL would leave the key empty for a second load.
      BlinkClient client = connect(server, Servers.testOptions().leaseTime(Duration.ofSeconds(30)).build());
      clients.add(client);
      return client;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs before the contract's own clean-up: clients first, so the servers have no connection to wait for. */
  @AfterEach
  final void closeClientsThenServers() {
    clients.forEach(BlinkClient::close);
    servers.forEach(BlinkServer::close);
  }
}
