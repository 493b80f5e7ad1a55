package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value as large as a RESP {@code SET} can carry is read back whole (issue 23): its reply goes out in slices as
 * the client reads (the transport's {@code ReplySlicer}), so neither the output cap ({@code --max-output-bytes}, 4
 * MiB by default) nor the client-memory bound nor the direct memory closes the connection any more, as each did
 * before. Over real sockets: 8,000 KiB in RESP2, RESP3 and the text protocol's base64 with the bound at 8 MiB (the
 * launcher's at {@code --memory-limit 64MB}); requests pipelined after it answered in order; a client that does not
 * read holding two slices of replies, not the value; many such clients held to {@code --max-client-memory}
 * together, by eviction; and a value overwritten while it is being sent read whole as it was.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LargeReplyIT {
  private static final int VALUE_BYTES = 8_000 << 10;
  private static final long BOUND = 8L << 20;

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final byte[] value = new byte[VALUE_BYTES];

  LargeReplyIT() {
    new Random(23).nextBytes(value);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private BlinkServer server(long maxClientMemory, long maxOutputBytes) {
    BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20,
        builder -> builder.maxClientMemory(maxClientMemory).maxOutputBytes(maxOutputBytes));
    open.add(server);
    return server;
  }

  /** A connection reading replies as bytes. */
  private final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final DataInputStream in;

    Connection(SocketAddress address, int receiveBuffer) throws IOException {
      channel = SocketChannel.open(address.getClass() == UnixDomainSocketAddress.class
          ? java.net.StandardProtocolFamily.UNIX : java.net.StandardProtocolFamily.INET);
      if (receiveBuffer > 0) {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
      }
      channel.connect(address);
      in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
      open.add(this);
    }

    void send(byte[] bytes) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    void send(byte[]... requests) throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] request : requests) {
        all.writeBytes(request);
      }
      send(all.toByteArray());
    }

    String line() throws IOException {
      return RespReader.line(in);
    }

    /** A bulk string's bytes; the reply line instead (as bytes) if it is not one. */
    byte[] bulk() throws IOException {
      return RespReader.bulk(in);
    }

    String call(String... args) throws IOException {
      send(RespIT.resp(args));
      return line();
    }

    String info(String field) throws IOException {
      send(RespIT.resp("INFO"));
      String text = new String(bulk(), ISO_8859_1);
      Matcher matcher = Pattern.compile(field + ":(\\d+)").matcher(text);
      assertTrue(matcher.find(), text);
      return matcher.group(1);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static SocketAddress tcp(BlinkServer server) {
    return Objects.requireNonNull(server.tcpAddress());
  }

  private static SocketAddress unix(BlinkServer server) {
    return UnixDomainSocketAddress.of(Objects.requireNonNull(server.unixPath()));
  }

  private static byte[] set(String key, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length + "\r\n")
        .getBytes(ISO_8859_1));
    out.writeBytes(value);
    out.writeBytes("\r\n".getBytes(ISO_8859_1));
    return out.toByteArray();
  }

  private void store(BlinkServer server, String key, byte[] bytes) throws IOException {
    try (Connection writer = new Connection(tcp(server), 0)) {
      writer.send(set(key, bytes));
      assertEquals("+OK", writer.line());
    }
  }

  @Test
  void aValueOf8000KiBReadsBackWholeInRespTwoRespThreeAndTheTextProtocol() throws Exception {
    BlinkServer server = server(BOUND, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
    store(server, "big", value);
    Connection resp2 = new Connection(tcp(server), 0);
    resp2.send(RespIT.resp("GET", "big"));
    assertArrayEquals(value, resp2.bulk(), "RESP2");
    Connection resp3 = new Connection(tcp(server), 0);
    resp3.send(RespIT.resp("HELLO", "3"));
    RawRespClient.readReply(resp3.in);
    resp3.send(RespIT.resp("GET", "big"));
    assertArrayEquals(value, resp3.bulk(), "RESP3");
    Connection text = new Connection(tcp(server), 0);
    text.send("GET big\n".getBytes(ISO_8859_1));
    assertEquals("VALUE " + Base64.getEncoder().encodeToString(value), text.line(), "text");
    assertEquals("+PONG", resp2.call("PING"), "the connections stay open");
    assertEquals(0, server.evictedClients());
  }

  @Test
  void requestsPipelinedAfterALargeReplyAreAnsweredInOrder() throws Exception {
    BlinkServer server = server(BOUND, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
    store(server, "big", value);
    Connection client = new Connection(tcp(server), 0);
    assertEquals("+OK", client.call("SET", "small", "s"));
    client.send(RespIT.resp("GET", "big"), RespIT.resp("GET", "small"), RespIT.resp("PING"),
        RespIT.resp("GETRANGE", "big", "0", "3"), RespIT.resp("GET", "big"), RespIT.resp("ECHO", "end"));
    assertArrayEquals(value, client.bulk());
    assertEquals("s", new String(client.bulk(), ISO_8859_1));
    assertEquals("+PONG", client.line());
    assertArrayEquals(java.util.Arrays.copyOf(value, 4), client.bulk());
    assertArrayEquals(value, client.bulk());
    assertEquals("end", new String(client.bulk(), ISO_8859_1));
  }

  /** The {@code CLIENT LIST} line of the connection named {@code name}. */
  private static String clientLine(Connection observer, String name) throws IOException {
    observer.send(RespIT.resp("CLIENT", "LIST"));
    for (String line : new String(observer.bulk(), ISO_8859_1).split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        return line;
      }
    }
    throw new AssertionError("no client named " + name);
  }

  private static long field(String line, String name) {
    Matcher matcher = Pattern.compile(" " + name + "=(\\d+)").matcher(line);
    assertTrue(matcher.find(), line);
    return Long.parseLong(matcher.group(1));
  }

  /**
   * A client that sends {@code GET big} and reads nothing: the replies waiting for it ({@code omem}) stay within
   * two slices, not the value (with the output cap raised so that the reply in one buffer, before, was not cut
   * off), and the value's bytes not sent yet count in all it holds ({@code tot-mem}); once it reads, it gets the
   * value whole and the reply to the request it sent after it.
   */
  @Test
  void aClientThatDoesNotReadHoldsTwoSlicesOfRepliesNotTheValue() throws Exception {
    BlinkServer server = server(64L << 20, 32L << 20);
    store(server, "big", value);
    Connection slow = new Connection(unix(server), 16 << 10);
    assertEquals("+OK", slow.call("CLIENT", "SETNAME", "slow"));
    slow.send(RespIT.resp("GET", "big"), RespIT.resp("PING"));
    Connection observer = new Connection(tcp(server), 0);
    String line = clientLine(observer, "slow");
    while (field(line, "tot-mem") < 1 << 20 || field(line, "omem") == 0) { // until GET has run: the test's timeout
      line = clientLine(observer, "slow");
    }
    // Two slices waiting, and the one whose write has completed but whose bytes the outbound buffer still counts
    // (seen once in CI: omem 196,896 = three slices and a header): a few slices, never the value.
    assertTrue(field(line, "omem") <= 3 * (64 << 10) + 1024, line);
    assertTrue(field(line, "tot-mem") <= VALUE_BYTES + 1024, line);
    assertTrue(field(line, "tot-mem") >= VALUE_BYTES - (1 << 20), line);
    assertArrayEquals(value, slow.bulk());
    assertEquals("+PONG", slow.line());
  }

  /**
   * Eight clients send {@code GET big} of the 8,000 KiB value and read nothing, on Unix sockets (whose buffers take
   * a few hundred KiB of it at most): each holds nearly the whole value, so all but one are closed, biggest first,
   * and counted; what all hold stays within the bound; the value and the server serve a client after them whole.
   */
  @Test
  void manyClientsGettingALargeValueAreHeldToTheClientMemoryBoundTogether() throws Exception {
    BlinkServer server = server(BOUND, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
    store(server, "big", value);
    int readers = 8;
    List<Connection> idle = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      Connection reader = new Connection(unix(server), 16 << 10);
      idle.add(reader);
      reader.send(RespIT.resp("GET", "big"));
    }
    while (server.evictedClients() < readers - 1) { // until then, bounded by the test's timeout
      Thread.sleep(10); // interruptible: the test's timeout ends it
    }
    Connection after = new Connection(tcp(server), 0);
    assertTrue(Long.parseLong(after.info("mem_clients_normal")) <= BOUND, "within the bound together");
    for (Connection reader : idle) {
      reader.close();
    }
    while (Long.parseLong(after.info("mem_clients_normal")) > 1 << 20) { // the closes seen: the test's timeout
      Thread.sleep(10); // interruptible: the test's timeout ends it
    }
    after.send(RespIT.resp("GET", "big"));
    assertArrayEquals(value, after.bulk());
  }

  /**
   * A client reads a little of the value's reply, another overwrites the value meanwhile with one of the same length
   * (which a smaller value would be overwritten by in place) and reads it back, then the first reads the rest: it
   * gets the value it asked for whole, the writer the new one.
   */
  @Test
  void aValueOverwrittenWhileItIsSentIsReadWholeAsItWas() throws Exception {
    BlinkServer server = server(64L << 20, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
    store(server, "big", value);
    Connection reader = new Connection(unix(server), 16 << 10);
    reader.send(RespIT.resp("GET", "big"));
    assertEquals("$" + VALUE_BYTES, reader.line());
    byte[] first = new byte[64 << 10];
    reader.in.readFully(first);
    byte[] next = new byte[VALUE_BYTES];
    new Random(24).nextBytes(next);
    Connection writer = new Connection(tcp(server), 0);
    writer.send(set("big", next));
    assertEquals("+OK", writer.line());
    writer.send(RespIT.resp("GET", "big"));
    assertArrayEquals(next, writer.bulk(), "the writer reads its value");
    byte[] rest = new byte[VALUE_BYTES - first.length];
    reader.in.readFully(rest);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.writeBytes(first);
    whole.writeBytes(rest);
    assertArrayEquals(value, whole.toByteArray(), "the reader reads the value as it was when it asked");
  }

  /** A multi-bulk reply past the output cap is refused as before (docs/resp.md): an error, and the connection open. */
  @Test
  void anMgetOfALargeValuePastTheOutputCapIsRefusedWithAnError() throws Exception {
    BlinkServer server = server(BOUND, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
    store(server, "big", value);
    Connection client = new Connection(tcp(server), 0);
    assertEquals("-ERR reply of " + (VALUE_BYTES + 16) + " bytes exceeds the output limit of "
        + BlinkServer.DEFAULT_MAX_OUTPUT_BYTES + " bytes", client.call("MGET", "big"));
    assertEquals("+PONG", client.call("PING"));
  }
}
