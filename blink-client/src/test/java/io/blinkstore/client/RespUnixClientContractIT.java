package io.blinkstore.client;

import io.blinkstore.server.BlinkServer;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/** As {@link RespTcpClientContractIT}, over the server's Unix socket ({@code redis-socket://}). */
@ExtendWith(AwaitsServerRespTtlWords.class)
class RespUnixClientContractIT extends ClientContractSupport {
  @Override
  BlinkClient connect(BlinkServer server, BlinkClientOptions options) {
    return BlinkClient.connect(URI.create("redis-socket://" + server.unixPath().toAbsolutePath()), options);
  }
}
