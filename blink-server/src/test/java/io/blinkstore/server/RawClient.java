package io.blinkstore.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A RESP client over a Unix socket that reads each reply whole by its lengths, byte for byte: bulk strings may hold
 * line feeds and any byte (a library's code, a {@code FUNCTION DUMP} payload), which a line reader would split.
 * Replies are given as ISO-8859-1 text, one char per byte, so that two replies compare as their bytes do.
 */
final class RawClient implements AutoCloseable {
  private final SocketChannel channel;
  private final InputStream in;

  RawClient(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    in = new BufferedInputStream(Channels.newInputStream(channel));
  }

  /** Sends {@code args} as one request and returns its reply's bytes as text. */
  String call(String... args) throws IOException {
    return call(Arrays.stream(args).map(arg -> arg.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
  }

  /** Sends {@code args} as one request and returns its reply's bytes as text. */
  String call(byte[]... args) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] arg : args) {
      request.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(arg);
      request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    readReply(reply);
    return reply.toString(StandardCharsets.ISO_8859_1);
  }

  /** The bytes of a bulk-string reply to {@code args}. */
  byte[] bulk(String... args) throws IOException {
    String reply = call(args);
    int start = reply.indexOf("\r\n") + 2;
    return reply.substring(start, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
  }

  private void readReply(ByteArrayOutputStream out) throws IOException {
    String header = readLine(out);
    char type = header.charAt(0);
    long count = type == '+' || type == '-' || type == ':' || type == '_' || type == ',' || type == '#'
        || type == '(' ? -1 : Long.parseLong(header.substring(1));
    switch (type) {
      case '$', '=', '!' -> {
        for (long i = 0; count >= 0 && i < count + 2; i++) {
          out.write(next());
        }
      }
      case '*', '~', '>' -> {
        for (long i = 0; i < count; i++) {
          readReply(out);
        }
      }
      case '%', '|' -> {
        for (long i = 0; i < 2 * count; i++) {
          readReply(out);
        }
        if (type == '|') {
          readReply(out);
        }
      }
      default -> { }
    }
  }

  private String readLine(ByteArrayOutputStream out) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = next()) != '\n') {
      out.write(b);
      if (b != '\r') {
        line.append((char) b);
      }
    }
    out.write('\n');
    return line.toString();
  }

  private int next() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the server closed the connection");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
