package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import io.blinkstore.WrongTypeException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The client's half of RESP2, Redis's protocol, mapping each {@link BlinkStore} operation to the Redis command
 * with its meaning: {@code GET}, {@code SET [NX] [PX]}, {@code DEL}, {@code PEXPIRE}, {@code PERSIST}, {@code PTTL},
 * {@code INCRBY}, {@code DBSIZE}, {@code FLUSHALL}, {@code INFO} for usage, limit and counters, and Blink Store's
 * own fill-lease words {@code GETL}, {@code FILL} and {@code RELEASE} where the server has them. Keys are
 * checked as for the text protocol (the contract's rule), and requests longer than the limit are refused here,
 * before anything is sent. Works against Blink Store's RESP side and against Redis or Valkey.
 */
final class RespProtocol implements Wire<RespReply> {
  /** Redis's answer to a write that would pass {@code maxmemory}, which Blink Store gives too. */
  private static final String OUT_OF_MEMORY = "OOM ";
  private static final String WRONG_TYPE = "WRONGTYPE ";
  private static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";
  private static final String OVERFLOW = "ERR increment or decrement would overflow";
  private static final String HASH_NOT_AN_INTEGER = "ERR hash value is not an integer";
  private static final String PROTOCOL_ERROR = "ERR Protocol error";
  private static final String UNKNOWN_COMMAND = "ERR unknown command";
  private static final String LEASE_EXPIRED = "ERR lease expired";
  private static final String LEASE_TABLE_FULL = "ERR lease table full";
  /** A counter's entry, as a Blink Store server sizes it against its limit: the key plus 20 bytes. */
  private static final int MAX_COUNTER_BYTES = 20;
  private static final int SHOWN_CHARS = 80;

  private final int maxRequestBytes;

  /** @param maxRequestBytes the longest encoded request */
  RespProtocol(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  RespRequest<byte[]> get(String key) {
    return request("GET", key, RespProtocol::bulk, List.of());
  }

  RespRequest<Void> set(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    return write("SET", key, value.length, List.of(value));
  }

  /** {@code SET key value PX ms}, the time to live in milliseconds rounded up. */
  RespRequest<Void> set(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    byte[] millis = ascii(Long.toString(TextProtocol.ttlMillis(ttl)));
    return write("SET", key, value.length, List.of(value, ascii("PX"), millis));
  }

  /**
   * {@code SET key value NX [PX ms]}: true if stored ({@code +OK}), false if the key had a value (nil), as Redis
   * and Blink Store both answer it, atomically.
   */
  RespRequest<Boolean> setIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    Objects.requireNonNull(value, "value");
    List<byte[]> options = ttl == null
        ? List.of(value, ascii("NX"))
        : List.of(value, ascii("NX"), ascii("PX"), ascii(Long.toString(TextProtocol.ttlMillis(ttl))));
    String command = "SET " + shown(key) + " NX";
    return new RespRequest<>(command, encode(command, arguments("SET", key, options)), reply -> {
      if (reply instanceof RespReply.Bulk bulk && bulk.bytes() == null) {
        return new Exchange.Result<>(false);
      }
      return ok(reply) == null ? null : new Exchange.Result<>(true);
    }, errors(command, key, value.length));
  }

  RespRequest<Boolean> delete(String key) {
    return request("DEL", key, reply -> count(reply, n -> n > 0), List.of());
  }

  RespRequest<Boolean> expire(String key, Duration ttl) {
    byte[] millis = ascii(Long.toString(TextProtocol.ttlMillis(ttl)));
    return request("PEXPIRE", key, reply -> count(reply, n -> n == 1), List.of(millis));
  }

  RespRequest<Boolean> persist(String key) {
    return request("PERSIST", key, reply -> count(reply, n -> n == 1), List.of());
  }

  /**
   * {@code PTTL key}: -2 (absent) is null, -1 {@link BlinkStore#NO_EXPIRY}; Redis answers 0 for an entry in its
   * last millisecond, read as one millisecond so a live entry's time to live stays positive.
   */
  RespRequest<Duration> ttl(String key) {
    return request("PTTL", key, reply -> {
      if (!(reply instanceof RespReply.Int ttl) || ttl.value() < -2) {
        return null;
      }
      long millis = ttl.value();
      return new Exchange.Result<>(
          millis == -2 ? null : millis == -1 ? BlinkStore.NO_EXPIRY : Duration.ofMillis(Math.max(1, millis)));
    }, List.of());
  }

  /** {@code INCRBY key delta}, with the counter errors turned into the contract's exceptions. */
  RespRequest<Long> incrementBy(String key, long delta) {
    String command = "INCRBY " + shown(key);
    Exchange.ErrorDecoder tooLarge = errors(command, key, MAX_COUNTER_BYTES);
    byte[] bytes = encode(command, List.of(ascii("INCRBY"), keyBytes(key), ascii(Long.toString(delta))));
    return new RespRequest<>(command, bytes, reply -> reply instanceof RespReply.Int n
        ? new Exchange.Result<>(n.value()) : null, (message, memoryLimit) -> switch (message) {
          case NOT_AN_INTEGER -> new NotAnIntegerException(key);
          case OVERFLOW -> new ArithmeticException(command + ": " + message);
          default -> tooLarge.decode(message, memoryLimit);
        });
  }

  /**
   * {@code GETL key lease_ms}, Blink Store's fill lease (docs/resp.md): the value, a lease, how long to wait, or
   * a full lease table. A server without the word (Redis, Valkey) fails it with {@link LeasedLoad.Unsupported}.
   */
  RespRequest<LeasedLoad.Answer> getOrLease(String key, Duration leaseTime) {
    String command = "GETL " + shown(key);
    byte[] millis = ascii(Long.toString(TextProtocol.ceilMillis(leaseTime)));
    return RespRequest.answeredByErrors(command, encode(command, arguments("GETL", key, List.of(millis))),
        RespProtocol::leaseAnswer, (message, memoryLimit) -> message.startsWith(UNKNOWN_COMMAND)
            ? new LeasedLoad.Unsupported(command, message) : new BlinkServerException(command, message));
  }

  private static Exchange.@Nullable Result<LeasedLoad.Answer> leaseAnswer(RespReply reply) {
    if (reply instanceof RespReply.Error error) {
      return error.message().equals(LEASE_TABLE_FULL) ? new Exchange.Result<>(new LeasedLoad.TableFull()) : null;
    }
    if (!(reply instanceof RespReply.Array array) || array.items() == null || array.items().size() != 2
        || !(array.items().get(0) instanceof RespReply.Bulk word) || word.bytes() == null) {
      return null;
    }
    RespReply argument = array.items().get(1);
    LeasedLoad.Answer answer = switch (new String(word.bytes(), US_ASCII)) {
      case "VALUE" -> argument instanceof RespReply.Bulk value && value.bytes() != null
          ? new LeasedLoad.Value(value.bytes()) : null;
      case "LEASE" -> argument instanceof RespReply.Int token ? new LeasedLoad.Lease(token.value()) : null;
      case "WAIT" -> argument instanceof RespReply.Int millis && millis.value() >= 0
          ? new LeasedLoad.Wait(millis.value()) : null;
      default -> null;
    };
    return answer == null ? null : new Exchange.Result<>(answer);
  }

  /**
   * {@code FILL key token ttl_ms value} ({@code ttl_ms} 0: never expires): true if stored, false if the lease had
   * ended ({@code -ERR lease expired}).
   */
  RespRequest<Boolean> fill(String key, long token, long ttlMillis, byte[] value) {
    String command = "FILL " + shown(key);
    List<byte[]> arguments = List.of(ascii(Long.toString(token)), ascii(Long.toString(ttlMillis)), value);
    return RespRequest.answeredByErrors(command, encode(command, arguments("FILL", key, arguments)), reply -> {
      if (reply instanceof RespReply.Error error) {
        return error.message().equals(LEASE_EXPIRED) ? new Exchange.Result<>(false) : null;
      }
      return ok(reply) == null ? null : new Exchange.Result<>(true);
    }, errors(command, key, value.length));
  }

  /** {@code RELEASE key token}: true if the token held a live lease. */
  RespRequest<Boolean> release(String key, long token) {
    return request("RELEASE", key, reply -> count(reply, n -> n == 1), List.of(ascii(Long.toString(token))));
  }

  RespRequest<Long> size() {
    return command("DBSIZE", reply -> reply instanceof RespReply.Int n ? new Exchange.Result<>(n.value()) : null);
  }

  /** {@code INFO memory}'s {@code used_memory}: on Blink Store the key and value bytes; on Redis all it uses. */
  RespRequest<Long> usage() {
    return info("memory", fields -> fields.get("used_memory"));
  }

  /** {@code INFO memory}'s {@code maxmemory}; Redis's 0 (no limit) is {@link Long#MAX_VALUE}. */
  @Override
  public RespRequest<Long> memoryLimit() {
    return info("memory", fields -> {
      Long limit = fields.get("maxmemory");
      if (limit == null) {
        return null; // no answer: the handshake names the reply (the ternary unboxed it: a NullPointerException)
      }
      return limit != 0 ? limit : Long.MAX_VALUE;
    });
  }

  /**
   * {@code INFO} (its default sections, in Redis 6 and 7 alike): {@code keyspace_hits}, {@code keyspace_misses},
   * {@code evicted_keys}, {@code expired_keys} and the keyspace's {@code db0} {@code expires}, absent when db0 is
   * empty.
   */
  RespRequest<BlinkStats> stats() {
    return info(null, fields -> {
      Long hits = fields.get("keyspace_hits");
      Long misses = fields.get("keyspace_misses");
      Long evictions = fields.get("evicted_keys");
      return hits == null || misses == null || evictions == null
          ? null : new BlinkStats(hits, misses, evictions, fields.getOrDefault("expired_keys", 0L),
              fields.getOrDefault("db0.expires", 0L));
    });
  }

  RespRequest<Void> flush() {
    return command("FLUSHALL", RespProtocol::ok);
  }

  @Override
  public RespRequest<Void> ping() {
    return command("PING", reply -> reply instanceof RespReply.Simple s && s.text().equals("PONG")
        ? new Exchange.Result<>(null) : null);
  }

  @Override
  public ReplyReader<RespReply> newReader(LongSupplier longestReply) {
    return new RespReader(longestReply);
  }

  /** A bulk string as large as the limit; with no limit ({@code maxmemory 0}), the request limit's worth. */
  @Override
  public long longestReply(long memoryLimit) {
    long value = memoryLimit == Long.MAX_VALUE ? maxRequestBytes : memoryLimit;
    return Math.max(ReplyLines.MIN_LONGEST_LINE, value);
  }

  @Override
  public @Nullable String closesAfter(RespReply reply) {
    return reply instanceof RespReply.Error error && error.message().startsWith(PROTOCOL_ERROR)
        ? "-" + error.message() : null;
  }

  @Override
  public String show(RespReply reply) {
    String shown;
    if (reply instanceof RespReply.Simple simple) {
      shown = "+" + simple.text();
    } else if (reply instanceof RespReply.Error error) {
      shown = "-" + error.message();
    } else if (reply instanceof RespReply.Int n) {
      shown = ":" + n.value();
    } else if (reply instanceof RespReply.Bulk bulk) {
      shown = bulk.bytes() == null ? "$-1" : "$" + bulk.bytes().length + " " + new String(bulk.bytes(), UTF_8);
    } else {
      List<RespReply> items = ((RespReply.Array) reply).items();
      shown = items == null ? "*-1" : "*" + items.size();
    }
    return '"' + (shown.length() > SHOWN_CHARS ? shown.substring(0, SHOWN_CHARS) + "..." : shown) + '"';
  }

  @Override
  public String handshakeHint() {
    return "a server that speaks RESP but does not answer INFO memory?";
  }

  /** A write of {@code valueBytes} under {@code key}: {@code +OK}, or the memory error as EntryTooLarge. */
  private RespRequest<Void> write(String name, String key, long valueBytes, List<byte[]> arguments) {
    String command = name + " " + shown(key);
    return new RespRequest<>(command, encode(command, arguments(name, key, arguments)), RespProtocol::ok,
        errors(command, key, valueBytes));
  }

  /**
   * {@code name key arguments...}, its reply decoded by the caller ({@link RespList}); {@code -WRONGTYPE} fails it
   * with {@link WrongTypeException}, {@code -OOM} with {@link EntryTooLargeException} for {@code valueBytes}.
   */
  RespRequest<RespReply> keyCommand(String name, String key, long valueBytes, List<byte[]> arguments) {
    String command = name + " " + shown(key);
    return new RespRequest<>(command, encode(command, arguments(name, key, arguments)), Exchange.Result::new,
        errors(command, key, valueBytes));
  }

  private <T> RespRequest<T> request(
      String name, String key, RespRequest.ReplyDecoder<T> decoder, List<byte[]> arguments) {
    String command = name + " " + shown(key);
    return new RespRequest<>(command, encode(command, arguments(name, key, arguments)), decoder,
        errors(command, key, 0));
  }

  private <T> RespRequest<T> command(String name, RespRequest.ReplyDecoder<T> decoder) {
    return new RespRequest<>(name, encode(name, List.of(ascii(name))), decoder,
        (message, memoryLimit) -> new BlinkServerException(name, message));
  }

  /**
   * {@code INFO section}, or plain {@code INFO} if {@code section} is null, read as {@code name:value} lines;
   * {@code pick} returns null if a field is missing.
   */
  private <T> RespRequest<T> info(@Nullable String section, Function<Map<String, Long>, @Nullable T> pick) {
    String command = section == null ? "INFO" : "INFO " + section;
    List<byte[]> arguments = section == null ? List.of(ascii("INFO")) : List.of(ascii("INFO"), ascii(section));
    return new RespRequest<>(command, encode(command, arguments), reply -> {
      if (!(reply instanceof RespReply.Bulk bulk) || bulk.bytes() == null) {
        return null;
      }
      T value = pick.apply(infoFields(new String(bulk.bytes(), UTF_8)));
      return value == null ? null : new Exchange.Result<>(value);
    }, (message, memoryLimit) -> new BlinkServerException(command, message));
  }

  /**
   * The numeric fields of an {@code INFO} reply; others are left out. A keyspace line's fields
   * ({@code db0:keys=2,expires=1,avg_ttl=0}) are named after their database: {@code db0.keys}, {@code db0.expires}.
   */
  static Map<String, Long> infoFields(String text) {
    Map<String, Long> fields = new HashMap<>();
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        String name = line.substring(0, colon);
        String rest = line.substring(colon + 1);
        Long value = TextProtocol.parseCount(rest);
        if (value != null) {
          fields.putIfAbsent(name, value);
        } else if (name.matches("db\\d+")) {
          for (String pair : rest.split(",")) {
            int equals = pair.indexOf('=');
            Long count = equals > 0 ? TextProtocol.parseCount(pair.substring(equals + 1)) : null;
            if (count != null) {
              fields.putIfAbsent(name + "." + pair.substring(0, equals), count);
            }
          }
        }
      }
    }
    return fields;
  }

  private static Exchange.ErrorDecoder errors(String command, String key, long valueBytes) {
    long entryBytes = TextProtocol.keyBytes(key) + valueBytes;
    return (message, memoryLimit) -> message.startsWith(OUT_OF_MEMORY)
        ? new EntryTooLargeException(entryBytes, memoryLimit)
        : message.startsWith(WRONG_TYPE) ? new WrongTypeException(key, "value of another type")
        : new BlinkServerException(command, message);
  }

  /**
   * A hash command ({@code HSET}, {@code HGET}, ...) on {@code key} with the arguments {@code rest}, writing at
   * most {@code valueBytes}: the server's memory refusal is {@link EntryTooLargeException}, a key of another type
   * {@link WrongTypeException}, {@code HINCRBY}'s errors {@link NotAnIntegerException} and
   * {@link ArithmeticException}, as in process.
   */
  <T> RespRequest<T> hashCommand(String name, String key, long valueBytes, List<byte[]> rest,
      RespRequest.ReplyDecoder<T> decoder) {
    String command = name + " " + shown(key);
    Exchange.ErrorDecoder others = errors(command, key, valueBytes);
    return new RespRequest<>(command, encode(command, arguments(name, key, rest)), decoder,
        (message, memoryLimit) -> switch (message) {
          case HASH_NOT_AN_INTEGER -> new NotAnIntegerException(key);
          case OVERFLOW -> new ArithmeticException(command + ": " + message);
          default -> others.decode(message, memoryLimit);
        });
  }

  private static List<byte[]> arguments(String name, String key, List<byte[]> rest) {
    byte[][] all = new byte[rest.size() + 2][];
    all[0] = ascii(name);
    all[1] = keyBytes(key);
    for (int i = 0; i < rest.size(); i++) {
      all[i + 2] = rest.get(i);
    }
    return List.of(all);
  }

  /** A RESP array of bulk strings; refused if longer than the limit. */
  private byte[] encode(String command, List<byte[]> arguments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long length = header('*', arguments.size()).length;
    for (byte[] argument : arguments) {
      length += header('$', argument.length).length + argument.length + 2L;
    }
    if (length > maxRequestBytes) {
      throw new IllegalArgumentException(command + ": the request would be " + length + " bytes, more than the "
          + "limit of " + maxRequestBytes + " (BlinkClientOptions.maxRequestBytes, which should match the "
          + "server's limit: --max-line-bytes, or Redis's proto-max-bulk-len)");
    }
    out.writeBytes(header('*', arguments.size()));
    for (byte[] argument : arguments) {
      out.writeBytes(header('$', argument.length));
      out.writeBytes(argument);
      out.write('\r');
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static byte[] header(char type, int count) {
    return ascii(type + Integer.toString(count) + "\r\n");
  }

  /** The key's UTF-8 bytes. @throws IllegalArgumentException if it is not {@linkplain BlinkStore#isValidKey valid} */
  static byte[] keyBytes(String key) {
    TextProtocol.keyBytes(key);
    return key.getBytes(UTF_8);
  }

  private static Exchange.@Nullable Result<byte[]> bulk(RespReply reply) {
    return reply instanceof RespReply.Bulk bulk ? new Exchange.Result<>(bulk.bytes()) : null;
  }

  private static Exchange.@Nullable Result<Void> ok(RespReply reply) {
    return reply instanceof RespReply.Simple s && s.text().equals("OK") ? new Exchange.Result<>(null) : null;
  }

  private static Exchange.@Nullable Result<Boolean> count(RespReply reply, LongPredicate test) {
    return reply instanceof RespReply.Int n && n.value() >= 0 ? new Exchange.Result<>(test.test(n.value())) : null;
  }

  private static String shown(String key) {
    return TextProtocol.shown(key);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }
}
