package io.blinkstore.server.protocol.text;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One decoded request line of the text protocol. {@link CommandParser} makes them from text,
 * {@link TextProtocolDecoder} from bytes, and {@link TextCommands} answers them with {@link Reply replies}.
 */
public sealed interface Command {

  /**
   * {@code SET key value}: the value is the UTF-8 bytes of the text after the key; or {@code SET64 key base64}
   * (an extension): the value is the decoded bytes.
   */
  record Set(String key, byte[] value) implements Command {
    // A record compares arrays by identity; commands are compared by content (in tests and in logic).
    @Override
    public boolean equals(Object other) {
      return other instanceof Set that && key.equals(that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Set[key=" + key + ", value=" + new String(value, StandardCharsets.UTF_8) + "]";
    }
  }

  /** {@code GET key}; the key may hold whitespace (then no entry can match it). */
  record Get(String key) implements Command {}

  /** {@code DELETE key} or its alias {@code DEL key}. */
  record Delete(String key) implements Command {}

  /** {@code USAGE}: the bytes held, keys plus values. */
  record Usage() implements Command {}

  /** {@code STATS} (an extension): entry count, usage, limit and the hit, miss and eviction counters. */
  record Stats() implements Command {}

  /** {@code FLUSH} (an extension): removes every entry. */
  record Flush() implements Command {}

  /**
   * {@code PING} (an extension): answered {@code PONG}, to check that the server is alive. {@code inline}: the
   * line was exactly {@code PING} ended by CRLF, the form of Redis's inline PING (redis-benchmark's PING_INLINE),
   * answered as Redis answers it.
   */
  record Ping(boolean inline) implements Command {}

  /** {@code AUTH token} (an extension): checked by {@link AuthGate} when the server has a token. */
  record Auth(String token) implements Command {
    @Override
    public String toString() {
      return "Auth[token=<hidden>]"; // never log a secret
    }
  }

  /** An {@code AUTH} that {@link AuthGate} found right: answered {@code OK}. */
  record Authenticated() implements Command {}

  /** {@code QUIT}: no reply; the connection closes once earlier replies are written. */
  record Quit() implements Command {}

  /** A line that is not a request; it is answered {@code ERROR <error>} and the connection stays usable. */
  record Invalid(String error) implements Command {}

  /**
   * A line longer than the connection's limit. It is answered {@code ERROR line too long} and the connection is
   * closed, because the rest of the stream cannot be resynchronised cheaply.
   */
  record LineTooLong() implements Command {}

  // ---- Extensions: time to live and counters, parsed by ExtensionParser ----

  /**
   * {@code SETEX key seconds value}, {@code PSETEX key milliseconds value} or {@code PSETEX64 key milliseconds
   * base64}: SET with a time to live.
   */
  record SetWithTtl(String key, Duration ttl, byte[] value) implements Command {
    @Override
    public boolean equals(Object other) {
      return other instanceof SetWithTtl that
          && key.equals(that.key) && ttl.equals(that.ttl) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return (31 * key.hashCode() + ttl.hashCode()) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "SetWithTtl[key=" + key + ", ttl=" + ttl + ", value=" + new String(value, StandardCharsets.UTF_8) + "]";
    }
  }

  /**
   * {@code ADD64 key ttl_ms [base64]}: stores the value only if the key has no live value, for {@code ttl} or,
   * if it is null, for ever.
   */
  record Add(String key, @Nullable Duration ttl, byte[] value) implements Command {
    @Override
    public boolean equals(Object other) {
      return other instanceof Add that
          && key.equals(that.key) && Objects.equals(ttl, that.ttl) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return (31 * key.hashCode() + Objects.hashCode(ttl)) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Add[key=" + key + ", ttl=" + ttl + ", value=" + new String(value, StandardCharsets.UTF_8) + "]";
    }
  }

  /** {@code EXPIRE key seconds} or {@code PEXPIRE key milliseconds}. */
  record Expire(String key, Duration ttl) implements Command {}

  /** {@code PERSIST key}. */
  record Persist(String key) implements Command {}

  /** {@code TTL key} ({@code inMillis} false) or {@code PTTL key} (true). */
  record Ttl(String key, boolean inMillis) implements Command {}

  /** {@code INCR}, {@code DECR}, {@code INCRBY} and {@code DECRBY}, all as an addition of {@code delta}. */
  record IncrementBy(String key, long delta) implements Command {}

  // ---- Extensions: fill leases (stampede protection), parsed by ExtensionParser ----

  /** {@code GETL key lease_ms}: the value, or a lease to fill it, or a hint to ask again. */
  record GetOrLease(String key, long leaseMillis) implements Command {}

  /**
   * {@code FILL key token ttl_ms [base64]}: stores the value if {@code token} is the key's live lease; {@code ttl}
   * is {@code null} for an entry that never expires.
   */
  record Fill(String key, long token, @Nullable Duration ttl, byte[] value) implements Command {
    @Override
    public boolean equals(Object other) {
      return other instanceof Fill that && key.equals(that.key) && token == that.token
          && Objects.equals(ttl, that.ttl) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return (31 * key.hashCode() + Long.hashCode(token)) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Fill[key=" + key + ", token=" + token + ", ttl=" + ttl + ", " + value.length + " bytes]";
    }
  }

  /**
   * {@code SYNC} (an extension): the connection becomes a replica of the server and gets Redis's replication stream
   * (an RDB bulk, then the writes in RESP), the line Redis's test suite sends as a connection's first.
   */
  record Sync() implements Command {}

  /** {@code RELEASE key token}: gives a lease up, so that the next {@code GETL} is granted one at once. */
  record Release(String key, long token) implements Command {}

  Usage USAGE = new Usage();
  Stats STATS = new Stats();
  Flush FLUSH = new Flush();
  Ping PING = new Ping(false);
  Ping INLINE_PING = new Ping(true);
  Quit QUIT = new Quit();
  Sync SYNC = new Sync();
  LineTooLong LINE_TOO_LONG = new LineTooLong();
  Authenticated AUTHENTICATED = new Authenticated();
}
