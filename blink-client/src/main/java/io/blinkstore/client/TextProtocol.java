package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The client's half of the Blink Store text protocol ({@code docs/protocol.md}): each method checks its
 * arguments and returns the {@link Request} for one command, with the decoder of its reply. Values are always
 * sent as base64 ({@code SET64}, {@code PSETEX64}, {@code ADD64}, {@code FILL}), so any bytes round-trip; keys the protocol
 * cannot carry, times to live out of range and lines longer than the limit are refused here, before anything is
 * sent.
 */
final class TextProtocol implements Wire<byte[]> {
  private static final byte[] VALUE = ascii("VALUE ");
  private static final byte[] USAGE = ascii("USAGE ");
  private static final byte[] STATS = ascii("STATS ");
  private static final byte[] OK = ascii("OK");
  private static final byte[] NOT_FOUND = ascii("NOT_FOUND");
  private static final byte[] EXISTS = ascii("EXISTS");
  private static final byte[] PTTL = ascii("PTTL ");
  private static final byte[] PTTL_NO_EXPIRY = ascii("PTTL -1");
  private static final byte[] INTEGER = ascii("INTEGER ");
  private static final byte[] LEASE = ascii("LEASE ");
  private static final byte[] WAIT = ascii("WAIT ");
  private static final byte[] LEASE_EXPIRED = ascii("ERROR lease expired");
  private static final byte[] LEASE_TABLE_FULL = ascii("ERROR lease table full");
  private static final byte[] LINE_TOO_LONG = ascii("ERROR line too long");
  private static final String NOT_AN_INTEGER = "value is not an integer or out of range";
  private static final String OVERFLOW = "increment or decrement would overflow";
  /** A counter's entry, as the server sizes it against its limit: the key plus the longest number, 20 bytes. */
  private static final int MAX_COUNTER_BYTES = 20;
  private static final int SHOWN_KEY_CHARS = 64;

  private final int maxRequestBytes;

  /** @param maxRequestBytes the longest request line, without its {@code \n} */
  TextProtocol(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  Request<byte[]> get(String key) {
    return new Request<>("GET " + shown(key), line("GET", key, null, null), TextProtocol::decodeValue);
  }

  Request<Void> set(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    String command = "SET64 " + shown(key);
    return new Request<>(command, line("SET64", key, null, value), ok("OK"), tooLarge(command, key, value.length));
  }

  /** {@code PSETEX64 key ms [base64]}: a binary-safe set with a time to live, in milliseconds rounded up. */
  Request<Void> set(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    String millis = Long.toString(ttlMillis(ttl));
    String command = "PSETEX64 " + shown(key);
    return new Request<>(
        command, line("PSETEX64", key, millis, value), ok("OK"), tooLarge(command, key, value.length));
  }

  /**
   * {@code ADD64 key ttl_ms [base64]} ({@code ttlMillis} 0: never expires): true if stored, false if the key had a
   * live value ({@code EXISTS}).
   */
  Request<Boolean> setIfAbsent(String key, byte[] value, long ttlMillis) {
    Objects.requireNonNull(value, "value");
    String command = "ADD64 " + shown(key);
    return new Request<>(command, line("ADD64", key, Long.toString(ttlMillis), value),
        reply -> Arrays.equals(reply, EXISTS) ? new Exchange.Result<>(false) : ok(reply, OK, true),
        tooLarge(command, key, value.length));
  }

  Request<Boolean> delete(String key) {
    return new Request<>("DELETE " + shown(key), line("DELETE", key, null, null), TextProtocol::decodeFound);
  }

  /** {@code PEXPIRE key ms}: true if the key was present. */
  Request<Boolean> expire(String key, Duration ttl) {
    String millis = Long.toString(ttlMillis(ttl));
    return new Request<>("PEXPIRE " + shown(key), line("PEXPIRE", key, millis, null), TextProtocol::decodeFound);
  }

  /** {@code PERSIST key}: true if a time to live was removed. */
  Request<Boolean> persist(String key) {
    return new Request<>("PERSIST " + shown(key), line("PERSIST", key, null, null), TextProtocol::decodeFound);
  }

  /** {@code PTTL key}: null if absent, {@link BlinkStore#NO_EXPIRY} if it never expires. */
  Request<Duration> ttl(String key) {
    return new Request<>("PTTL " + shown(key), line("PTTL", key, null, null), TextProtocol::decodeTtl);
  }

  /** {@code INCRBY key delta}, with the counter errors turned into the contract's exceptions. */
  Request<Long> incrementBy(String key, long delta) {
    String command = "INCRBY " + shown(key);
    Exchange.ErrorDecoder tooLarge = tooLarge(command, key, MAX_COUNTER_BYTES);
    return new Request<>(command, line("INCRBY", key, Long.toString(delta), null), TextProtocol::decodeInteger,
        (message, memoryLimit) -> switch (message) {
          case NOT_AN_INTEGER -> new NotAnIntegerException(key);
          case OVERFLOW -> new ArithmeticException(command + ": " + OVERFLOW);
          default -> tooLarge.decode(message, memoryLimit);
        });
  }

  /** {@code GETL key lease_ms}: the value, a lease to fill it, or how long to wait. */
  Request<LeasedLoad.Answer> getOrLease(String key, Duration leaseTime) {
    String millis = Long.toString(ceilMillis(leaseTime));
    return new Request<>("GETL " + shown(key), line("GETL", key, millis, null), TextProtocol::decodeLeaseAnswer);
  }

  /**
   * {@code FILL key token ttl_ms [base64]} ({@code ttl_ms} 0: never expires): true if stored, false if the lease
   * had run out ({@code ERROR lease expired}).
   */
  Request<Boolean> fill(String key, long token, long ttlMillis, byte[] value) {
    String command = "FILL " + shown(key);
    return new Request<>(command, line("FILL", key, token + " " + ttlMillis, value),
        reply -> Arrays.equals(reply, LEASE_EXPIRED) ? new Exchange.Result<>(false) : ok(reply, OK, true),
        tooLarge(command, key, value.length));
  }

  /** {@code RELEASE key token}: true if the token held a live lease. */
  Request<Boolean> release(String key, long token) {
    return new Request<>(
        "RELEASE " + shown(key), line("RELEASE", key, Long.toString(token), null), TextProtocol::decodeFound);
  }

  Request<Long> usage() {
    return new Request<>("USAGE", ascii("USAGE\n"), TextProtocol::decodeUsage);
  }

  Request<ServerStats> stats() {
    return new Request<>("STATS", ascii("STATS\n"), TextProtocol::decodeStats);
  }

  Request<Void> flush() {
    return new Request<>("FLUSH", ascii("FLUSH\n"), ok("OK"));
  }

  @Override
  public Request<Void> ping() {
    return new Request<>("PING", ascii("PING\n"), ok("PONG"));
  }

  /** {@code STATS}, read for its {@code limit}. */
  @Override
  public Request<Long> memoryLimit() {
    return new Request<>("STATS", ascii("STATS\n"), line -> {
      ServerStats stats = parseStats(line);
      return stats == null ? null : new Exchange.Result<>(stats.limit());
    });
  }

  @Override
  public ReplyReader<byte[]> newReader(LongSupplier longestReply) {
    return new ReplyLines(longestReply);
  }

  /** A {@code VALUE} holding the largest entry the limit allows, base64-encoded. */
  @Override
  public long longestReply(long memoryLimit) {
    return Math.max(ReplyLines.MIN_LONGEST_LINE, VALUE.length + (memoryLimit + 2) / 3 * 4);
  }

  @Override
  public @Nullable String closesAfter(byte[] reply) {
    return Arrays.equals(reply, LINE_TOO_LONG) ? "ERROR line too long" : null;
  }

  @Override
  public String show(byte[] reply) {
    return ReplyLines.show(reply);
  }

  @Override
  public String handshakeHint() {
    return "a Blink Store server without the SET64/FLUSH/PING extensions, such as the original?";
  }

  /**
   * {@code WORD key}, then {@code arguments} (ASCII) if given, then the value's base64 if it has any bytes;
   * refuses it if longer than the limit.
   */
  private byte[] line(String word, String key, @Nullable String arguments, byte @Nullable [] value) {
    int keyBytes = keyBytes(key);
    int argumentBytes = arguments == null ? 0 : 1 + arguments.length();
    long base64Bytes = value == null || value.length == 0 ? -1 : (value.length + 2L) / 3 * 4;
    long length = word.length() + 1L + keyBytes + argumentBytes + (base64Bytes < 0 ? 0 : 1 + base64Bytes);
    if (length > maxRequestBytes) {
      throw new IllegalArgumentException(word + " " + shown(key) + ": the request would be " + length
          + " bytes, more than the limit of " + maxRequestBytes + " (BlinkClientOptions.maxRequestBytes, which "
          + "should match the server's --max-line-bytes)" + (value == null ? "" : "; base64 makes a value 4/3 "
          + "its size, so with this key a value of at most " + largestValue(word, keyBytes + argumentBytes)
          + " bytes fits"));
    }
    byte[] line = new byte[(int) length + 1];
    ByteBuffer out = ByteBuffer.wrap(line);
    out.put(ascii(word)).put((byte) ' ').put(key.getBytes(StandardCharsets.UTF_8));
    if (arguments != null) {
      out.put((byte) ' ').put(ascii(arguments));
    }
    if (value != null && value.length > 0) {
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

  private static Exchange.@Nullable Result<byte[]> decodeValue(byte[] line) {
    if (Arrays.equals(line, NOT_FOUND)) {
      return new Exchange.Result<>(null);
    }
    byte[] value = decodeBase64Value(line);
    return value == null ? null : new Exchange.Result<>(value);
  }

  /** The bytes of a {@code VALUE [base64]} line, or null if the line is not one. */
  private static byte @Nullable [] decodeBase64Value(byte[] line) {
    if (!Request.startsWith(line, VALUE) || (line.length - VALUE.length) % 4 != 0) {
      return null; // the server always pads its base64
    }
    try {
      ByteBuffer decoded =
          Base64.getDecoder().decode(ByteBuffer.wrap(line, VALUE.length, line.length - VALUE.length));
      byte[] value = decoded.array();
      int length = decoded.remaining();
      return length == value.length ? value : Arrays.copyOf(value, length);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code OK} true, {@code NOT_FOUND} false. */
  private static Exchange.@Nullable Result<Boolean> decodeFound(byte[] line) {
    return Arrays.equals(line, NOT_FOUND) ? new Exchange.Result<>(false) : ok(line, OK, true);
  }

  private static Exchange.@Nullable Result<Duration> decodeTtl(byte[] line) {
    if (Arrays.equals(line, NOT_FOUND)) {
      return new Exchange.Result<>(null);
    }
    if (Arrays.equals(line, PTTL_NO_EXPIRY)) {
      return new Exchange.Result<>(BlinkStore.NO_EXPIRY);
    }
    Long millis = count(line, PTTL);
    return millis == null || millis == 0 ? null : new Exchange.Result<>(Duration.ofMillis(millis));
  }

  private static Exchange.@Nullable Result<Long> decodeInteger(byte[] line) {
    if (!Request.startsWith(line, INTEGER)) {
      return null;
    }
    try {
      return new Exchange.Result<>(
          Long.parseLong(new String(line, INTEGER.length, line.length - INTEGER.length, StandardCharsets.US_ASCII)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Exchange.@Nullable Result<LeasedLoad.Answer> decodeLeaseAnswer(byte[] line) {
    if (Arrays.equals(line, LEASE_TABLE_FULL)) {
      return new Exchange.Result<>(new LeasedLoad.TableFull());
    }
    Long token = count(line, LEASE);
    if (token != null) {
      return new Exchange.Result<>(new LeasedLoad.Lease(token));
    }
    Long millis = count(line, WAIT);
    if (millis != null) {
      return new Exchange.Result<>(new LeasedLoad.Wait(millis));
    }
    byte[] value = decodeBase64Value(line);
    return value == null ? null : new Exchange.Result<>(new LeasedLoad.Value(value));
  }

  private static Exchange.@Nullable Result<Long> decodeUsage(byte[] line) {
    Long bytes = count(line, USAGE);
    return bytes == null ? null : new Exchange.Result<>(bytes);
  }

  /** The count after {@code prefix} in {@code line}, or null if the line is not {@code prefix<count>}. */
  private static @Nullable Long count(byte[] line, byte[] prefix) {
    if (!Request.startsWith(line, prefix)) {
      return null;
    }
    return parseCount(new String(line, prefix.length, line.length - prefix.length, StandardCharsets.US_ASCII));
  }

  private static Exchange.@Nullable Result<ServerStats> decodeStats(byte[] line) {
    ServerStats stats = parseStats(line);
    return stats == null ? null : new Exchange.Result<>(stats);
  }

  /** The counters of a {@code STATS ...} line, or null if the line is not one. */
  private static @Nullable ServerStats parseStats(byte[] line) {
    if (!Request.startsWith(line, STATS)) {
      return null;
    }
    return ServerStats.parse(new String(line, STATS.length, line.length - STATS.length, StandardCharsets.UTF_8));
  }

  /** Parses a non-negative decimal count of at most {@code Long.MAX_VALUE}, or returns null. */
  static @Nullable Long parseCount(String text) {
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null; // 19 digits above Long.MAX_VALUE
    }
  }

  private static <T> Request.ReplyDecoder<T> ok(String expected) {
    byte[] bytes = ascii(expected);
    return line -> ok(line, bytes, null);
  }

  private static <T> Exchange.@Nullable Result<T> ok(byte[] line, byte[] expected, @Nullable T value) {
    return Arrays.equals(line, expected) ? new Exchange.Result<>(value) : null;
  }

  /**
   * The errors of a write of {@code valueBytes} under {@code key}: the capacity error is
   * {@link EntryTooLargeException}, any other a {@link BlinkServerException}.
   */
  private static Exchange.ErrorDecoder tooLarge(String command, String key, long valueBytes) {
    long entryBytes = keyBytes(key) + valueBytes;
    return (message, memoryLimit) -> message.equals(Request.AT_CAPACITY)
        ? new EntryTooLargeException(entryBytes, memoryLimit)
        : new BlinkServerException(command, message);
  }

  /**
   * Returns {@code ttl} in whole milliseconds, a partial one rounded up so that it stays positive.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is not positive or is longer than {@link BlinkStore#MAX_TTL}
   */
  static long ttlMillis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(BlinkStore.MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "ttl must be positive and at most " + BlinkStore.MAX_TTL + ", but was " + ttl);
    }
    return ceilMillis(ttl);
  }

  static long ceilMillis(Duration duration) {
    return duration.toMillis() + (duration.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
  }

  /** {@code key}, shortened to its first 64 characters, for messages. */
  static String shown(String key) {
    return key.length() > SHOWN_KEY_CHARS ? key.substring(0, SHOWN_KEY_CHARS) + "..." : key;
  }

  private static String quote(String key) {
    return '"' + shown(key).replace("\n", "\\n").replace("\r", "\\r") + '"';
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
