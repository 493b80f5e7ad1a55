package io.blinkstore.client;

import io.blinkstore.server.BlinkServer;

/** The {@link io.blinkstore.BlinkStoreContract} against {@link BlinkClient} over TCP. */
class TcpClientContractIT extends ClientContractSupport {
  @Override
  BlinkClient connect(BlinkServer server, BlinkClientOptions options) {
    return BlinkClient.connect(Servers.Endpoint.TCP.address(server), options);
  }

  /** The Blink text protocol has no words for hashes. */
  @Override
  protected boolean holdsHashes() {
    return false;
  }
}
