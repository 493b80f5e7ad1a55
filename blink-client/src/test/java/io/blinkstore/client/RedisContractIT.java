package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} against a real {@code redis-server}, through {@link BlinkClient} over RESP: the
 * scale-out path (docs/scale-out.md). One server for the class; each store starts it empty with zeroed counters
 * ({@code FLUSHALL}, {@code CONFIG RESETSTAT}). Redis does not account bytes as the contract does, and says so
 * through {@link #exactAccounting()}.
 */
class RedisContractIT extends BlinkStoreContract {
  @TempDir static Path dir;
  private static RedisServer redis;
  private final List<BlinkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start(dir);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    try {
      redis.command("FLUSHALL");
      redis.command("CONFIG", "RESETSTAT");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BlinkClient client = BlinkClient.connect(redis.uri(), Servers.testOptions().build());
    clients.add(client);
    return client;
  }

  /** Redis's {@code used_memory} is all it allocates, and its limit is its operator's {@code maxmemory}. */
  @Override
  protected boolean exactAccounting() {
    return false;
  }

  /** Redis counts {@code PTTL} as a keyspace hit or miss. */
  @Override
  protected boolean onlyGetsCountAsReads() {
    return false;
  }

  @AfterEach
  final void closeClients() {
    clients.forEach(BlinkClient::close);
  }
}
