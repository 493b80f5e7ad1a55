package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What the views of one key over RESP ({@link RespHash}, {@link RespSortedSet}) share: each call one command on the
 * client's pool with the key as its first argument, answered with the in-process store's exceptions
 * ({@link RespProtocol#hashCommand}).
 */
abstract class RespKeyView {
  private final RespCommands commands;
  private final RespProtocol protocol;
  final String key;

  RespKeyView(RespCommands commands, RespProtocol protocol, String key) {
    this.commands = commands;
    this.protocol = protocol;
    this.key = key;
  }

  /** Runs command {@code name} on the key with the arguments {@code rest} ({@code valueBytes} of them stored). */
  final <T> T run(String name, long valueBytes, List<byte[]> rest, RespRequest.ReplyDecoder<T> decoder) {
    CompletableFuture<T> reply = commands.send(protocol.hashCommand(name, key, valueBytes, rest, decoder));
    return BlinkClient.await(reply);
  }

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  static Exchange.@Nullable Result<Long> integer(RespReply reply) {
    return reply instanceof RespReply.Int n ? new Exchange.Result<>(n.value()) : null;
  }
}
