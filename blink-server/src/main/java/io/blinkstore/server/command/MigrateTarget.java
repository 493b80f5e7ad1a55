package io.blinkstore.server.command;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One {@code MIGRATE}'s exchange with its target, on a plain blocking socket, off every event loop, as Redis's
 * {@code migrateCommand} has it: connect within the timeout (a refused connection is answered as Redis answers it,
 * {@code writing}: its non-blocking connect learns of the refusal at the first write), send {@code AUTH} (if asked), {@code SELECT db} and one
 * {@code RESTORE key ttl payload [REPLACE]} per key in one stream, then read one reply line per command, each line
 * whole within the timeout. A write is held to the timeout too, chunk by chunk of 64 KiB (a target that reads nothing
 * would block a plain socket's write for ever): a watchdog closes the socket when a chunk has not gone in time.
 * A reply line is read up to its end and kept to its first 1,023 bytes, as Redis's 1,024-byte buffer keeps it.
 */
final class MigrateTarget {
  /** What a socket write sends at most under one timeout, as Redis's 64 KiB. */
  static final int CHUNK = 64 * 1024;
  /** The bytes of a reply line kept, as Redis's buffer of 1,024 (with its terminating zero). */
  static final int LINE_BYTES = 1023;

  /** How the exchange ended. */
  enum Failure { NONE, CONNECTING, WRITING, READING }

  /**
   * What the target answered: the lines of {@code AUTH} and {@code SELECT} (null if not sent or not read), the
   * {@code RESTORE} replies read (fewer than sent if the socket failed), and the failure if one came.
   */
  record Replies(@Nullable String auth, @Nullable String select, List<String> restores, Failure failure) {}

  private final ScheduledExecutorService watchdog;

  MigrateTarget(ScheduledExecutorService watchdog) {
    this.watchdog = watchdog;
  }

  /**
   * Sends {@code commands} (each one RESP array of bulk strings) to {@code host}:{@code port} and reads their
   * replies: the first {@code withAuth} is {@code AUTH}'s, the next {@code SELECT}'s, then the restores'.
   */
  Replies exchange(String host, int port, int timeoutMillis, boolean withAuth, List<byte[][]> commands) {
    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
      } catch (ConnectException refused) {
        return new Replies(null, null, List.of(), Failure.WRITING); // Redis's non-blocking connect fails at the write
      } catch (IOException | IllegalArgumentException | SecurityException e) {
        return new Replies(null, null, List.of(), Failure.CONNECTING);
      }
      try {
        write(socket, commands, timeoutMillis);
      } catch (IOException e) {
        return new Replies(null, null, List.of(), Failure.WRITING);
      }
      return read(socket, withAuth, commands.size() - (withAuth ? 2 : 1), timeoutMillis);
    } catch (IOException closing) {
      return new Replies(null, null, List.of(), Failure.READING);
    }
  }

  private void write(Socket socket, List<byte[][]> commands, int timeoutMillis) throws IOException {
    ByteArrayOutputStream pending = new ByteArrayOutputStream(CHUNK);
    OutputStream out = socket.getOutputStream();
    for (byte[][] command : commands) {
      pending.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] argument : command) {
        pending.writeBytes(("$" + argument.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        pending.write(argument, 0, argument.length);
        pending.writeBytes(new byte[] {'\r', '\n'});
        if (pending.size() >= CHUNK) {
          send(socket, out, pending, timeoutMillis);
        }
      }
    }
    send(socket, out, pending, timeoutMillis);
  }

  /** Writes what {@code pending} holds, in chunks, each within the timeout, and empties it. */
  private void send(Socket socket, OutputStream out, ByteArrayOutputStream pending, int timeoutMillis)
      throws IOException {
    byte[] bytes = pending.toByteArray();
    pending.reset();
    for (int at = 0; at < bytes.length; at += CHUNK) {
      ScheduledFuture<?> stuck = watchdog.schedule(() -> closeQuietly(socket), timeoutMillis, TimeUnit.MILLISECONDS);
      try {
        out.write(bytes, at, Math.min(CHUNK, bytes.length - at));
      } finally {
        stuck.cancel(false);
      }
    }
    out.flush();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing to end a write that did not go in time: the write fails, which is the point
    }
  }

  private static Replies read(Socket socket, boolean withAuth, int restores, int timeoutMillis) {
    String auth = null;
    String select = null;
    List<String> replies = new ArrayList<>();
    try {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      auth = withAuth ? line(socket, in, timeoutMillis) : null;
      select = line(socket, in, timeoutMillis);
      while (replies.size() < restores) {
        replies.add(line(socket, in, timeoutMillis));
      }
      return new Replies(auth, select, replies, Failure.NONE);
    } catch (IOException e) {
      return new Replies(auth, select, replies, Failure.READING);
    }
  }

  /**
   * One reply line without its CRLF, its first {@link #LINE_BYTES} bytes, read whole within {@code timeoutMillis}
   * (as Redis's {@code syncReadLine}): a target that sends a byte now and then and never a line's end would
   * otherwise hold the migration thread for ever, each read coming within the socket's timeout.
   */
  private static String line(Socket socket, InputStream in, int timeoutMillis) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (;;) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no line's end within the timeout");
      }
      socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))); // 0 would wait for ever
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the target closed the connection");
      }
      if (b == '\n') {
        break;
      }
      if (line.size() < LINE_BYTES) {
        line.write(b);
      }
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
