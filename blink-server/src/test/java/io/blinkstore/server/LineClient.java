package io.blinkstore.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A blocking test client for the line protocol over TCP or a Unix domain socket: it sends raw bytes and reads
 * {@code \n}-terminated UTF-8 lines. Every wait is bounded by a timeout, so a silent server fails a test instead
 * of hanging it. Not thread-safe: one client per thread.
 */
final class LineClient implements AutoCloseable {
  /** How long a read or a write may wait for the server before the test fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private byte[] pending = new byte[1024];
  private int pendingStart;
  private int pendingEnd;
  /** Bytes from {@code pendingStart} up to here hold no {@code \n}. */
  private int scanned;
  private boolean endOfStream;

  private LineClient(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    this.selector = Selector.open();
    this.key = channel.register(selector, 0);
  }

  /** Connects over TCP. */
  static LineClient tcp(InetSocketAddress address) throws IOException {
    return connect(address);
  }

  /** Connects to the Unix domain socket at {@code path}. */
  static LineClient unix(Path path) throws IOException {
    return connect(UnixDomainSocketAddress.of(path));
  }

  /** Connects to a TCP address or a {@link UnixDomainSocketAddress}. */
  static LineClient connect(SocketAddress address) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try {
      channel.connect(address); // blocking: a local connect completes at once or fails
      return new LineClient(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Sends the UTF-8 bytes of {@code text} as they are (add the {@code \n} yourself). */
  LineClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends all of {@code bytes}, failing if the server takes none of them for {@link #TIMEOUT}. While the server
   * does not take more, replies that arrive are buffered for {@link #readLine}, so a long pipeline cannot deadlock
   * with a server that stops reading until its replies are taken (backpressure).
   */
  LineClient send(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) > 0) {
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the server took no bytes for " + TIMEOUT + "; " + buffer.remaining() + " of "
            + bytes.length + " bytes unsent");
      }
      int ready = await(SelectionKey.OP_WRITE | (endOfStream ? 0 : SelectionKey.OP_READ), Duration.ofNanos(left));
      if ((ready & SelectionKey.OP_READ) != 0) {
        readAvailable();
      }
    }
    return this;
  }

  /**
   * As {@link #send(byte[])}, for a server expected to close the connection part-way (after an over-long line):
   * stops quietly when the server has closed or reset it.
   */
  LineClient sendUntilClosed(String text) throws IOException {
    return sendUntilClosed(text.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #sendUntilClosed(String)}, for raw bytes. */
  LineClient sendUntilClosed(byte[] bytes) throws IOException {
    try {
      return send(bytes);
    } catch (IOException e) {
      if (isClosedByPeer(e)) {
        return this;
      }
      throw e;
    }
  }

  /**
   * Sends as much of {@code bytes} as the server takes before it stops taking any for {@code stall}: a client that
   * writes and never reads uses this to fill the connection without blocking forever.
   *
   * @return the number of bytes sent
   */
  int sendUntilStalled(byte[] bytes, Duration stall) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0 && await(SelectionKey.OP_WRITE, stall) == 0) {
        break;
      }
    }
    return buffer.position();
  }

  /** Sends {@code line} plus {@code \n} and returns the one-line reply. */
  String request(String line) throws IOException {
    send(line + "\n");
    return readLine();
  }

  /** Returns the next line without its {@code \n}, or null at end of stream (or a reset by the server). */
  String readLine() throws IOException {
    return readLine(TIMEOUT);
  }

  /** As {@link #readLine()}, waiting up to {@code timeout} instead of {@link #TIMEOUT}. */
  String readLine(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (; scanned < pendingEnd; scanned++) {
        if (pending[scanned] == '\n') {
          String line = new String(pending, pendingStart, scanned - pendingStart, StandardCharsets.UTF_8);
          pendingStart = ++scanned;
          return line;
        }
      }
      if (endOfStream) {
        if (pendingStart < pendingEnd) {
          throw new AssertionError("the stream ended in the middle of a line: "
              + new String(pending, pendingStart, Math.min(pendingEnd - pendingStart, 200), StandardCharsets.UTF_8));
        }
        return null;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no complete line from the server within " + timeout + " ("
            + (pendingEnd - pendingStart) + " bytes of a line received)");
      }
      fill(Duration.ofNanos(left));
    }
  }

  /**
   * Whether the server has closed (or reset) the connection, waiting up to {@code wait} for it to; what arrives
   * meanwhile is kept for {@link #readLine()}.
   */
  boolean closedByServer(Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!endOfStream && readAvailable() >= 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      fill(Duration.ofNanos(left));
    }
    return true;
  }

  /** Reads exactly {@code count} lines, failing if the stream ends first. */
  List<String> readLines(int count) throws IOException {
    return readLines(count, TIMEOUT);
  }

  /** As {@link #readLines(int)}, waiting up to {@code timeout} for each line instead of {@link #TIMEOUT}. */
  List<String> readLines(int count, Duration timeout) throws IOException {
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String line = readLine(timeout);
      if (line == null) {
        throw new AssertionError("the stream ended after " + i + " of " + count + " lines: " + lines);
      }
      lines.add(line);
    }
    return lines;
  }

  /** Fails unless the server ends the stream (after no further line) within {@link #TIMEOUT}. */
  void assertEndOfStream() throws IOException {
    String line = readLine();
    if (line != null) {
      throw new AssertionError("expected the server to close the connection, but got the line: "
          + abbreviate(line));
    }
  }

  /** Reads what has arrived without waiting and drops its complete lines; returns how many were dropped. */
  int discardReceivedLines() throws IOException {
    while (!endOfStream && readAvailable() > 0) {
      // read until nothing more has arrived
    }
    int lines = 0;
    for (; scanned < pendingEnd; scanned++) {
      if (pending[scanned] == '\n') {
        lines++;
        pendingStart = scanned + 1;
      }
    }
    return lines;
  }

  /**
   * Reads and drops complete lines until the server ends the stream or {@code timeout} has passed; returns how
   * many were dropped. For a server that has closed a connection with replies still buffered: its end of stream
   * arrives after them, once this side has read them, not as soon as the server has closed.
   */
  int discardLinesUntilClosed(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int lines = discardReceivedLines();
    while (!endOfStream && deadline - System.nanoTime() > 0) {
      await(SelectionKey.OP_READ, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      lines += discardReceivedLines();
    }
    return lines;
  }

  /** Reads what has arrived without waiting, and returns whether the server has ended the stream. */
  boolean isClosedByServer() throws IOException {
    if (!endOfStream) {
      readAvailable();
    }
    return endOfStream;
  }

  /** This end's address. */
  SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  /** Half-closes: the server sees end of input, and can still answer. */
  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** Closes abortively (TCP: a reset instead of an orderly end); a Unix socket is simply closed. */
  void abort() throws IOException {
    if (!(channel.getRemoteAddress() instanceof UnixDomainSocketAddress)) {
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
    }
    close();
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }

  private void fill(Duration timeout) throws IOException {
    if (readAvailable() == 0) {
      await(SelectionKey.OP_READ, timeout);
    }
  }

  /** Reads what has arrived, without waiting; returns the number of bytes read (-1 at end of stream). */
  private int readAvailable() throws IOException {
    readBuffer.clear();
    int read;
    try {
      read = channel.read(readBuffer);
    } catch (IOException e) {
      if (isClosedByPeer(e)) {
        endOfStream = true;
        return -1;
      }
      throw e;
    }
    if (read < 0) {
      endOfStream = true;
    } else if (read > 0) {
      append(readBuffer.array(), read);
    }
    return read;
  }

  private void append(byte[] bytes, int length) {
    if (pendingEnd + length > pending.length && pendingStart > 0) {
      System.arraycopy(pending, pendingStart, pending, 0, pendingEnd - pendingStart);
      pendingEnd -= pendingStart;
      scanned -= pendingStart;
      pendingStart = 0;
    }
    if (pendingEnd + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingEnd + length));
    }
    System.arraycopy(bytes, 0, pending, pendingEnd, length);
    pendingEnd += length;
  }

  /** Waits for one of {@code operations}; returns the ready ones (0 when the time ran out). */
  private int await(int operations, Duration timeout) throws IOException {
    key.interestOps(operations);
    try {
      return selector.select(Math.max(1, timeout.toMillis())) > 0 ? key.readyOps() : 0;
    } finally {
      selector.selectedKeys().clear();
      key.interestOps(0);
    }
  }

  /**
   * A server that closes with our unread requests in its buffer resets the connection, and writing to a closed
   * connection breaks the pipe: both are the server ending the connection.
   */
  private static boolean isClosedByPeer(IOException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("Connection reset") || message.contains("reset by peer")
        || message.contains("Broken pipe");
  }

  static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "... (" + line.length() + " chars)";
  }
}
