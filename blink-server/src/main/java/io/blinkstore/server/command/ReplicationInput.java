package io.blinkstore.server.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A replica's link's bytes from its primary ({@link PrimaryLink}) as they come, counted (the replication offset
 * counts them), read as RESP lines, the RDB payload and the stream's commands, each within the link's bounds:
 * a line at most {@link #MAX_LINE} bytes, a command at most {@link PrimaryLink#MAX_ARGUMENTS} arguments of at most
 * {@link PrimaryLink#MAX_BULK} bytes, a payload at most the bound given, written to a file as it comes
 * ({@link ReceivedRdb}); a buffer grows with the bytes that come, never to a length only claimed. Anything else is
 * {@link Refused}.
 */
final class ReplicationInput {
  /** The primary sent something this link does not follow: the link closes and starts again. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** The longest line: a status, an error, a length. */
  static final int MAX_LINE = 64 * 1024;
  private static final int CHUNK = 64 * 1024;
  private static final int MARK = 40;

  private final InputStream in;
  private long count;

  ReplicationInput(InputStream in) {
    this.in = in;
  }

  long count() {
    return count;
  }

  private int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("the primary closed the link");
    }
    count++;
    return b;
  }

  /** A line without its CRLF (or LF), at most {@link #MAX_LINE} bytes. */
  String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    for (int b = read(); b != '\n'; b = read()) {
      if (line.size() >= MAX_LINE) {
        throw new Refused("a line from the primary is longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * The RDB after {@code +FULLRESYNC}: {@code $<length>} and that many bytes, or {@code $EOF:<mark>} and the bytes
   * up to the mark, written to a file as they come ({@link ReceivedRdb}, which the caller closes), at most
   * {@code bound} bytes: a longer length is refused before anything is read.
   */
  ReceivedRdb payload(long bound) throws IOException {
    String header = line();
    while (header.isEmpty()) {
      header = line(); // newlines while the primary prepares the RDB
    }
    if (header.startsWith("-")) {
      throw new Refused("the primary answered " + shortened(header) + " instead of the RDB");
    }
    if (header.startsWith("$EOF:") && header.length() == 5 + MARK) {
      return untilMark(header.substring(5).getBytes(StandardCharsets.ISO_8859_1), bound);
    }
    long length = number(header, 1);
    if (length > bound) {
      throw new Refused("the primary's RDB of " + length + " bytes passes this server's memory limit ("
          + bound + " bytes)");
    }
    ReceivedRdb file = ReceivedRdb.create(length);
    try {
      byte[] chunk = new byte[CHUNK];
      for (long left = length; left > 0; ) {
        int n = in.read(chunk, 0, (int) Math.min(left, CHUNK));
        if (n < 0) {
          throw new IOException("the primary closed the link");
        }
        file.write(chunk, n);
        left -= n;
        count += n;
      }
      return file;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** The bytes up to {@code mark}, which is not kept: at most {@code bound} of them. */
  private ReceivedRdb untilMark(byte[] mark, long bound) throws IOException {
    ReceivedRdb file = ReceivedRdb.create(0);
    try {
      byte[] chunk = new byte[CHUNK];
      int filled = 0;
      byte[] tail = new byte[MARK];
      long seen = 0;
      while (true) {
        int b = read();
        chunk[filled++] = (byte) b;
        tail[(int) (seen++ % MARK)] = (byte) b;
        if (seen >= MARK && b == (mark[MARK - 1] & 0xff) && endsWith(tail, seen, mark)) {
          file.write(chunk, filled);
          file.truncate(seen - MARK);
          return file;
        }
        if (filled == CHUNK) {
          file.write(chunk, filled);
          filled = 0;
        }
        if (seen > bound + MARK) {
          throw new Refused("the primary's RDB passes this server's memory limit (" + bound + " bytes)");
        }
      }
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static boolean endsWith(byte[] ring, long seen, byte[] mark) {
    for (int i = 0; i < MARK; i++) {
      if (ring[(int) ((seen - MARK + i) % MARK)] != mark[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code length} bytes, read in chunks: the buffer grows with what comes, never to a length only claimed. */
  private byte[] bytes(long length) throws IOException {
    if (length <= CHUNK) {
      byte[] small = new byte[(int) length];
      for (int at = 0; at < small.length; ) {
        int n = in.read(small, at, small.length - at);
        if (n < 0) {
          throw new IOException("the primary closed the link");
        }
        at += n;
        count += n;
      }
      return small;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(length, CHUNK));
    byte[] chunk = new byte[CHUNK];
    long left = length;
    while (left > 0) {
      int n = in.read(chunk, 0, (int) Math.min(left, CHUNK));
      if (n < 0) {
        throw new IOException("the primary closed the link");
      }
      bytes.write(chunk, 0, n);
      left -= n;
      count += n;
    }
    return bytes.toByteArray();
  }

  /** One command of the stream: an array of bulk strings; an empty array for a lone newline. */
  byte[][] command(long bound) throws IOException {
    int first = read();
    if (first == '\n') {
      return new byte[0][];
    }
    if (first != '*') {
      throw new Refused("the primary's stream has a byte that begins no command: " + first);
    }
    long arguments = number(line(), 0);
    if (arguments < 1 || arguments > PrimaryLink.MAX_ARGUMENTS) {
      throw new Refused("a command of the primary's stream has " + arguments + " arguments");
    }
    byte[][] args = new byte[(int) arguments][];
    long total = 0;
    for (int i = 0; i < args.length; i++) {
      if (read() != '$') {
        throw new Refused("an argument of the primary's stream is not a bulk string");
      }
      long length = number(line(), 0);
      total += length;
      if (length > PrimaryLink.MAX_BULK || total > bound) {
        throw new Refused("a command of the primary's stream is longer than this server holds");
      }
      args[i] = bytes(length);
      if (read() != '\r' || read() != '\n') {
        throw new Refused("a bulk string of the primary's stream does not end with CRLF");
      }
    }
    return args;
  }

  /** The non-negative decimal of {@code line} from {@code from} on. */
  private static long number(String line, int from) throws Refused {
    try {
      long value = Long.parseLong(line.substring(from));
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new Refused("the primary sent a length that is not one: " + shortened(line));
    }
  }

  /** {@code reply}, cut to 200 characters for a log line. */
  static String shortened(String reply) {
    return reply.length() > 200 ? reply.substring(0, 200) + "..." : reply;
  }
}
