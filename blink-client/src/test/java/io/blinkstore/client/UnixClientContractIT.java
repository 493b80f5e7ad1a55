package io.blinkstore.client;

/** The {@link io.blinkstore.BlinkStoreContract} against {@link BlinkClient} over a Unix domain socket. */
class UnixClientContractIT extends ClientContractSupport {
  @Override
  Servers.Endpoint endpoint() {
    return Servers.Endpoint.UNIX;
  }
}
