package io.blinkstore.server.command;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a command answers, in the protocol-neutral terms of the {@link CommandTable}'s operations: a value or its
 * absence, a count, a status, an error of some {@link ErrorKind}, a list; and RESP3's richer shapes (map, set,
 * double, boolean, null, verbatim text, push), so that a RESP3 encoder can be added without touching an
 * operation. Never bytes of one protocol: {@code RespEncoder} writes these as RESP2 (each RESP3 shape as Redis
 * writes it to a RESP2 client), {@code Resp3Encoder} as RESP3, and the text protocol renders the results of the operations it
 * speaks as its
 * own lines.
 */
public sealed interface Result {

  /** A status such as {@code OK} (RESP {@code +<text>}); the text is ASCII (sent as ISO-8859-1, byte per char). */
  record Simple(String text) implements Result {}

  /**
   * An error: its {@link ErrorKind} and its text after the kind ({@code ERR syntax error} is {@link ErrorKind#ERR}
   * and {@code syntax error}). Line breaks become spaces, as Redis does, so the error stays one line.
   */
  record Error(ErrorKind kind, String message, boolean counted) implements Result {
    public Error {
      message = message.replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * The error of {@code kind} with text {@code message}, not counted yet in {@code INFO errorstats} ({@code
     * counted}: a script's error that a command inside it answered, counted when that command answered it).
     */
    public Error(ErrorKind kind, String message) {
      this(kind, message, false);
    }

    /** The error whose whole line, kind first, is {@code line} ({@code "NOAUTH Authentication required."}). */
    public Error(String line) {
      this(ErrorKind.of(line), line.substring(line.indexOf(' ') + 1));
    }

    /** The same error, marked as counted in {@code INFO errorstats} already. */
    Error asCounted() {
      return counted ? this : new Error(kind, message, true);
    }

    /** The error's line as RESP sends it after {@code -}: its kind, a space and its text ({@code OTHER}: its text). */
    public String line() {
      return kind == ErrorKind.OTHER ? message : kind.name() + ' ' + message;
    }
  }

  /** A 64-bit integer (RESP {@code :<n>}). */
  record Int(long value) implements Result {}

  /**
   * Binary-safe bytes, those between the buffer's position and limit (never consumed: the encoder reads a
   * duplicate); {@link #NULL} is a value that is absent. A stored value is a {@link Stored} instead.
   */
  record Bulk(@Nullable ByteBuffer bytes) implements Result {
    /** The bulk string of {@code bytes}, which must not change afterwards; {@code null} is absent. */
    public Bulk(byte @Nullable [] bytes) {
      this(bytes == null ? null : ByteBuffer.wrap(bytes));
    }

    @Override
    public String toString() {
      return bytes == null ? "Bulk[nil]" : "Bulk[" + StandardCharsets.ISO_8859_1.decode(bytes.duplicate()) + "]";
    }
  }

  /**
   * A stored value not copied yet ({@link io.blinkstore.BlinkStore#getStored}): its size is known before anything
   * is copied, and the encoder copies it once, from the store straight into the reply's buffer.
   */
  record Stored(io.blinkstore.BlinkStore.StoredValue value) implements Result {
    /** The value's bytes, copied now: for a codec that cannot write it straight into its buffer. */
    public ByteBuffer copy() {
      ByteBuffer bytes = ByteBuffer.allocate(value.length());
      value.copyTo(bytes, 0);
      return bytes;
    }
  }

  /** An ordered list of results (RESP {@code *<count>}). */
  record Array(List<Result> elements) implements Result {}

  /** RESP3 map: keys and values alternating (RESP2 clients get them as a flat array, as Redis sends them). */
  record Map(List<Result> keysAndValues) implements Result {
    public Map {
      if (keysAndValues.size() % 2 != 0) {
        throw new IllegalArgumentException("a map needs a value for each key: " + keysAndValues.size());
      }
    }
  }

  /** RESP3 set (an array for RESP2). */
  record Set(List<Result> elements) implements Result {}

  /**
   * RESP3 double (a bulk string of its text for RESP2), its text as Redis 7.0 prints it in both protocols: {@code %.17g}
   * ({@code inf}, {@code -inf}, digits), or the text a command gives (the geo commands' coordinates).
   */
  record Double(double value, String text) implements Result {
    public Double(double value) {
      this(value, CDoubles.g17(value));
    }

    /** Its text, the same in both protocols. */
    public String resp2Text() {
      return text;
    }
  }

  /** RESP3 boolean (the integer 1 or 0 for RESP2). */
  record Bool(boolean value) implements Result {}

  /** RESP3 null (RESP2's nil bulk string). */
  record Nil() implements Result {}

  /** RESP3 null (RESP2's null array, {@code *-1}): an {@code EXEC} that a watched key aborted. */
  record NullArray() implements Result {}

  /** RESP3 verbatim string with its three-letter format ({@code txt}, {@code mkd}); a bulk string for RESP2. */
  record Verbatim(String format, String text) implements Result {}

  /** RESP3 big number, its decimal digits (a bulk string of them for RESP2). */
  record BigNumber(String digits) implements Result {}

  /**
   * A reply preceded by RESP3 attributes ({@code |<n>}, keys and values alternating), which a RESP2 client does not
   * receive: it gets {@code reply} alone.
   */
  record Attributed(List<Result> attributes, Result reply) implements Result {}

  /** RESP3 out-of-band push (an array for RESP2, which only a subscribed connection receives). */
  record Push(List<Result> elements) implements Result {}

  /**
   * Several whole replies written one after another for one command, as Redis writes {@code SUBSCRIBE a b}'s
   * confirmation of each channel (inside an {@code EXEC}'s array too, where Redis writes them the same way).
   */
  record Several(List<Result> replies) implements Result {}

  Simple OK = new Simple("OK");
  Simple PONG = new Simple("PONG");
  Bulk NULL = new Bulk((ByteBuffer) null);
  Array EMPTY_ARRAY = new Array(List.of());

  /** Returns the bulk string of {@code text}'s ISO-8859-1 bytes (for replies built from ASCII text). */
  static Bulk bulk(String text) {
    return new Bulk(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Returns the {@link ErrorKind#ERR} error {@code message}. */
  static Error error(String message) {
    return new Error(ErrorKind.ERR, message);
  }
}
