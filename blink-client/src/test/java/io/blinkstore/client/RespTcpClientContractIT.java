package io.blinkstore.client;

import io.blinkstore.server.BlinkServer;
import java.net.URI;

/**
 * The {@link io.blinkstore.BlinkStoreContract} against {@link BlinkClient} speaking RESP to our own server over
 * TCP ({@code redis://}). Every promise holds, exact accounting included: the server's {@code INFO} reports its
 * own usage and limit, and it answers a write too large for it with {@code -OOM}.
 */
class RespTcpClientContractIT extends ClientContractSupport {
  @Override
  BlinkClient connect(BlinkServer server, BlinkClientOptions options) {
    return BlinkClient.connect(URI.create("redis://127.0.0.1:" + server.tcpAddress().getPort()), options);
  }
}
