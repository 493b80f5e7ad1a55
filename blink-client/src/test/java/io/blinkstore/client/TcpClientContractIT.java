package io.blinkstore.client;

/** The {@link io.blinkstore.BlinkStoreContract} against {@link BlinkClient} over TCP. */
class TcpClientContractIT extends ClientContractSupport {
  @Override
  Servers.Endpoint endpoint() {
    return Servers.Endpoint.TCP;
  }
}
