package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The client's half of the Blink Store text protocol ({@code docs/protocol.md}): each method checks its
 * arguments and returns the {@link Request} for one command, with the decoder of its reply. Values are always
 * sent with {@code SET64}, so any bytes round-trip; keys the protocol cannot carry and lines longer than the
 * limit are refused here, before anything is sent.
 */
final class TextProtocol {
  private static final byte[] VALUE = ascii("VALUE ");
  private static final byte[] USAGE = ascii("USAGE ");
  private static final byte[] STATS = ascii("STATS ");
  private static final int SHOWN_KEY_CHARS = 64;

  private final int maxRequestBytes;

  /** @param maxRequestBytes the longest request line, without its {@code \n} */
  TextProtocol(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  Request<byte[]> get(String key) {
    return new Request<>("GET " + shown(key), line("GET", key, null), TextProtocol::decodeValue, -1);
  }

  Request<Void> set(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    long entryBytes = keyBytes(key) + (long) value.length;
    return new Request<>("SET64 " + shown(key), line("SET64", key, value), ok("OK"), entryBytes);
  }

  Request<Boolean> delete(String key) {
    return new Request<>("DELETE " + shown(key), line("DELETE", key, null), TextProtocol::decodeDeleted, -1);
  }

  Request<Long> usage() {
    return new Request<>("USAGE", ascii("USAGE\n"), TextProtocol::decodeUsage, -1);
  }

  Request<ServerStats> stats() {
    return new Request<>("STATS", ascii("STATS\n"), TextProtocol::decodeStats, -1);
  }

  Request<Void> flush() {
    return new Request<>("FLUSH", ascii("FLUSH\n"), ok("OK"), -1);
  }

  Request<Void> ping() {
    return new Request<>("PING", ascii("PING\n"), ok("PONG"), -1);
  }

  /** {@code WORD key} or, with a value, {@code WORD key base64}; refuses it if longer than the limit. */
  private byte[] line(String word, String key, byte[] value) {
    int keyBytes = keyBytes(key);
    long base64Bytes = value == null || value.length == 0 ? -1 : (value.length + 2L) / 3 * 4;
    long length = word.length() + 1L + keyBytes + (base64Bytes < 0 ? 0 : 1 + base64Bytes);
    if (length > maxRequestBytes) {
      throw new IllegalArgumentException(word + " " + shown(key) + ": the request would be " + length
          + " bytes, more than the limit of " + maxRequestBytes + " (BlinkClientOptions.maxRequestBytes, which "
          + "should match the server's --max-line-bytes)" + (value == null ? "" : "; base64 makes a value 4/3 "
          + "its size, so with this key a value of at most " + largestValue(word, keyBytes) + " bytes fits"));
    }
    byte[] line = new byte[(int) length + 1];
    ByteBuffer out = ByteBuffer.wrap(line);
    out.put(ascii(word)).put((byte) ' ').put(key.getBytes(StandardCharsets.UTF_8));
    if (base64Bytes >= 0) {
      out.put((byte) ' ').put(Base64.getEncoder().encode(value));
    }
    out.put((byte) '\n');
    return line;
  }

  private long largestValue(String word, int keyBytes) {
    long room = maxRequestBytes - word.length() - 2L - keyBytes;
    return Math.max(0, room / 4 * 3);
  }

  /**
   * Returns the UTF-8 length of {@code key}.
   *
   * @throws NullPointerException if the key is null
   * @throws IllegalArgumentException if the key is not {@linkplain BlinkStore#isValidKey valid}
   */
  static int keyBytes(String key) {
    if (!BlinkStore.isValidKey(Objects.requireNonNull(key, "key"))) {
      throw new IllegalArgumentException(
          "invalid key (must be non-empty, without whitespace or unpaired surrogates): " + quote(key));
    }
    return key.getBytes(StandardCharsets.UTF_8).length;
  }

  private static Request.Result<byte[]> decodeValue(byte[] line) {
    if (Arrays.equals(line, ascii("NOT_FOUND"))) {
      return new Request.Result<>(null);
    }
    if (!Request.startsWith(line, VALUE) || (line.length - VALUE.length) % 4 != 0) {
      return null; // the server always pads its base64
    }
    try {
      ByteBuffer decoded =
          Base64.getDecoder().decode(ByteBuffer.wrap(line, VALUE.length, line.length - VALUE.length));
      byte[] value = decoded.array();
      int length = decoded.remaining();
      return new Request.Result<>(length == value.length ? value : Arrays.copyOf(value, length));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Request.Result<Boolean> decodeDeleted(byte[] line) {
    String reply = new String(line, StandardCharsets.US_ASCII);
    if (reply.equals("OK") || reply.equals("NOT_FOUND")) {
      return new Request.Result<>(reply.equals("OK"));
    }
    return null;
  }

  private static Request.Result<Long> decodeUsage(byte[] line) {
    if (!Request.startsWith(line, USAGE)) {
      return null;
    }
    Long bytes = parseCount(new String(line, USAGE.length, line.length - USAGE.length, StandardCharsets.US_ASCII));
    return bytes == null ? null : new Request.Result<>(bytes);
  }

  private static Request.Result<ServerStats> decodeStats(byte[] line) {
    if (!Request.startsWith(line, STATS)) {
      return null;
    }
    ServerStats stats =
        ServerStats.parse(new String(line, STATS.length, line.length - STATS.length, StandardCharsets.UTF_8));
    return stats == null ? null : new Request.Result<>(stats);
  }

  /** Parses a non-negative decimal count, or returns null. */
  static Long parseCount(String text) {
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(text);
  }

  private static <T> Request.ReplyDecoder<T> ok(String expected) {
    byte[] bytes = ascii(expected);
    return line -> Arrays.equals(line, bytes) ? new Request.Result<>(null) : null;
  }

  private static String shown(String key) {
    return key.length() > SHOWN_KEY_CHARS ? key.substring(0, SHOWN_KEY_CHARS) + "..." : key;
  }

  private static String quote(String key) {
    return '"' + shown(key).replace("\n", "\\n").replace("\r", "\\r") + '"';
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
