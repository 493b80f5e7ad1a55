package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.transport.ClientMemory;
import java.time.Clock;

/**
 * A dispatcher on a store without a tight memory limit (unlike {@link RespTester}'s 1 KB), for the geo searches'
 * tests on sets of hundreds of members, with an output cap of {@code maxReplyBytes}.
 */
final class GeoStore implements AutoCloseable {
  private final BlinkStore store = BlinkStore.builder().build();
  private final Dispatcher dispatcher;
  private final ClientState client;

  GeoStore(long maxReplyBytes) {
    dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(), HeapGuard.NONE, null,
        maxReplyBytes, EntrySizeLimits.NONE);
    client = dispatcher.newClient(RespKeys::of, ClientMemory.Account.DETACHED, () -> { });
  }

  /** Runs {@code args} (ISO-8859-1, one byte a char), the reply as a client reads it. */
  Result run(String... args) {
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes(args)));
  }

  @Override
  public void close() {
    store.close();
  }
}
