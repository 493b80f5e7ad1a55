package io.blinkstore.server.protocol.resp;

import java.util.Arrays;

/** What {@link RespDecoder} makes of the bytes of a RESP connection: a command, or the error that ends it. */
public sealed interface RespRequest {

  /**
   * A command: a RESP array of bulk strings, the command name first. At least one argument; each is the exact
   * bytes sent (binary-safe).
   */
  record Command(byte[][] args) implements RespRequest {
    public Command {
      if (args.length == 0) {
        throw new IllegalArgumentException("a command has at least its name");
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Command that && Arrays.deepEquals(args, that.args);
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(args);
    }

    @Override
    public String toString() {
      return "Command[" + args.length + " args]";
    }
  }

  /**
   * Input that is not RESP, or over a limit. It is answered {@code -ERR Protocol error: <message>} and the
   * connection is closed, as Redis does: the rest of the stream cannot be resynchronised.
   */
  record ProtocolError(String message) implements RespRequest {}
}
