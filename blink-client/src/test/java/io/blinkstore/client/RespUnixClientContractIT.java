package io.blinkstore.client;

import io.blinkstore.server.BlinkServer;
import java.net.URI;

/** As {@link RespTcpClientContractIT}, over the server's Unix socket ({@code redis-socket://}). */
class RespUnixClientContractIT extends ClientContractSupport {
  @Override
  BlinkClient connect(BlinkServer server, BlinkClientOptions options) {
    return BlinkClient.connect(URI.create("redis-socket://" + server.unixPath().toAbsolutePath()), options);
  }
}
