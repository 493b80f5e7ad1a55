package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;

/** Reads RESP replies off a test's own blocking socket stream, a line or a bulk string's bytes at a time. */
final class RespReader {
  private RespReader() {}

  /** The next line, without its line end; an {@link IOException} if the server closes the stream first. */
  static String line(DataInputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the server closed the connection after " + line.toString(ISO_8859_1));
      }
      line.write(b);
    }
    return line.toString(ISO_8859_1).stripTrailing();
  }

  /** A bulk string's bytes; the reply line instead (as bytes) if it is not one. */
  static byte[] bulk(DataInputStream in) throws IOException {
    String header = line(in);
    if (!header.startsWith("$")) {
      return header.getBytes(ISO_8859_1);
    }
    byte[] bytes = new byte[Integer.parseInt(header.substring(1))];
    in.readFully(bytes);
    assertEquals("", line(in), "the bulk string's line end");
    return bytes;
  }
}
