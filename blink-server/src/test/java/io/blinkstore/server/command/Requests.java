package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;

/** What the command layer's tests share: a request written as words, and replies compared in any order. */
final class Requests {
  private Requests() {}

  /** Dispatches {@code words}, UTF-8 encoded as a codec hands them over, for {@code client}. */
  static Result run(Dispatcher dispatcher, ClientState client, String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(UTF_8);
    }
    return dispatcher.dispatch(client, args);
  }

  /** {@code messages} in natural order: for messages whose order among themselves is not defined. */
  static List<String> sorted(List<String> messages) {
    return messages.stream().sorted().toList();
  }
}
