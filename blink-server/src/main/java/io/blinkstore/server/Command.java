package io.blinkstore.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded request line of the text protocol. {@link CommandParser} makes them from text,
 * {@link TextProtocolDecoder} from bytes, and {@link CommandExecutor} turns them into {@link Reply replies}.
 */
sealed interface Command {

  /**
   * A command that adds data to the store: refused with {@code ERROR out of memory} while the {@link HeapGuard}
   * says the heap is nearly full. Every such command implements it.
   */
  sealed interface Write extends Command permits Set {}

  /** {@code SET key value}: the value is the UTF-8 bytes of the text after the key. */
  record Set(String key, byte[] value) implements Write {
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

  Usage USAGE = new Usage();
  Stats STATS = new Stats();
  Quit QUIT = new Quit();
  LineTooLong LINE_TOO_LONG = new LineTooLong();
  Authenticated AUTHENTICATED = new Authenticated();
}
