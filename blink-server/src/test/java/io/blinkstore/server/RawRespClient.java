package io.blinkstore.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A RESP client that keeps replies as bytes, for parity tests whose replies hold any byte (line breaks, 0x00,
 * 0xff inside bulk strings): requests are sent as ISO-8859-1 (one byte per character), each reply is read whole by
 * its RESP2/RESP3 framing and returned {@linkplain #escape escaped}, so that two replies are equal as strings
 * exactly when they are equal as bytes.
 */
final class RawRespClient implements AutoCloseable {
  private static final long REPLY_TIMEOUT_SECONDS = 10;

  private final SocketChannel channel;
  private final InputStream in;
  private final ExecutorService reader = Executors.newSingleThreadExecutor();

  private RawRespClient(SocketChannel channel) {
    this.channel = channel;
    this.in = new BufferedInputStream(Channels.newInputStream(channel));
  }

  static RawRespClient unix(Path socket) throws IOException {
    return new RawRespClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
  }

  /** A client of the TCP server at {@code server}, connecting from the local address {@code from}. */
  static RawRespClient tcp(InetSocketAddress server, InetAddress from) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.bind(new InetSocketAddress(from, 0));
      channel.connect(server);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new RawRespClient(channel);
  }

  /**
   * Sends every request in one write and returns one escaped reply per request; a reply that does not come
   * within 10 s, or after the connection ended, is {@code <no reply: ...>} (and so is every one after it).
   */
  List<String> exchange(List<List<String>> requests) throws IOException, InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    requests.forEach(request -> bytes.writeBytes(encode(request)));
    return exchangeRaw(bytes.toByteArray(), requests.size());
  }

  /** Sends {@code bytes} as they are, in one write, and returns {@code count} replies as {@link #exchange} does. */
  List<String> exchangeRaw(byte[] bytes, int count) throws IOException, InterruptedException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    List<String> replies = new ArrayList<>();
    String failure = null;
    for (int i = 0; i < count; i++) {
      if (failure == null) {
        Future<byte[]> reply = reader.submit(() -> readReply(in));
        try {
          replies.add(escape(new String(reply.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS),
              StandardCharsets.ISO_8859_1)));
          continue;
        } catch (TimeoutException e) {
          reply.cancel(true);
          failure = "<no reply: none within " + REPLY_TIMEOUT_SECONDS + " s>";
        } catch (ExecutionException e) {
          failure = "<no reply: " + e.getCause() + ">";
        }
      }
      replies.add(failure);
    }
    return replies;
  }

  /** A request as a RESP array of bulk strings, each character one byte. */
  static byte[] encode(List<String> request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + request.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : request) {
      byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
      out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(bytes);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  /** One whole reply's bytes, nested replies included, by RESP2's and RESP3's framing. */
  static byte[] readReply(InputStream in) throws IOException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    readReply(in, reply);
    return reply.toByteArray();
  }

  private static void readReply(InputStream in, ByteArrayOutputStream reply) throws IOException {
    String line = readLine(in, reply);
    char type = line.charAt(0);
    switch (type) {
      case '$', '=', '!' -> {
        int length = Integer.parseInt(line.substring(1));
        if (length >= 0) {
          reply.writeBytes(in.readNBytes(length + 2));
        }
      }
      case '*', '~', '>', '%', '|' -> {
        int count = Integer.parseInt(line.substring(1));
        int replies = Math.max(count, 0) * (type == '%' || type == '|' ? 2 : 1) + (type == '|' ? 1 : 0);
        for (int i = 0; i < replies; i++) {
          readReply(in, reply);
        }
      }
      default -> { } // a simple reply: its line is all of it
    }
  }

  /** Reads one CRLF-ended line into {@code reply} and returns it without the CRLF. */
  private static String readLine(InputStream in, ByteArrayOutputStream reply) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        throw new EOFException("the connection ended");
      }
      reply.write(b);
      if (previous == '\r' && b == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1);
      }
      if (previous >= 0) {
        line.write(previous);
      }
      previous = b;
    }
  }

  /** Printable ASCII as it is, a backslash doubled, CR and LF as {@code \r} and {@code \n}, other bytes as xHH. */
  static String escape(String bytes) {
    StringBuilder out = new StringBuilder();
    for (char c : bytes.toCharArray()) {
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\x%02x", (int) c));
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    reader.shutdownNow();
    channel.close();
  }
}
