package io.blinkstore.server.protocol.text;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.ServerStats;
import java.nio.ByteBuffer;
import java.util.Objects;

/** One response line, before encoding; {@link ReplyEncoder} is the one place that turns it into bytes. */
public sealed interface Reply {

  /** The replies without arguments. */
  enum Status implements Reply {
    OK,
    NOT_FOUND,
    /** The answer to {@code PING} (an extension). */
    PONG,
    /** The answer to a {@code PING} line ended by CRLF: RESP's {@code +PONG}, as Redis answers an inline PING. */
    INLINE_PONG,
    /** The answer to an {@code ADD64} (an extension) of a key that has a live value: nothing was stored. */
    EXISTS
  }

  /**
   * {@code VALUE <base64>}: a value, base64-encoded (standard alphabet, padded) on the wire. A GET answers the
   * store's {@link BlinkStore.StoredValue} not copied yet, which {@link ReplyEncoder} copies once, for the base64
   * encoder. Two values are equal when their bytes are.
   */
  final class Value implements Reply {
    private final BlinkStore.StoredValue value;

    /** The stored value {@code value}, copied when the reply is written. */
    public Value(BlinkStore.StoredValue value) {
      this.value = value;
    }

    /** The bytes between {@code bytes}' position and limit, never consumed; they must not change afterwards. */
    public Value(ByteBuffer bytes) {
      this(new Buffered(bytes.duplicate()));
    }

    /** The value {@code bytes}, which must not change afterwards. */
    public Value(byte[] bytes) {
      this(ByteBuffer.wrap(bytes));
    }

    /** The value's length in bytes. */
    public int length() {
      return value.length();
    }

    /** The value, not copied yet. */
    public BlinkStore.StoredValue stored() {
      return value;
    }

    /** Copies the value into {@code target} from {@code index} ({@link BlinkStore.StoredValue#copyTo}). */
    public void copyTo(ByteBuffer target, int index) {
      value.copyTo(target, index);
    }

    private ByteBuffer bytes() {
      ByteBuffer bytes = ByteBuffer.allocate(length());
      copyTo(bytes, 0);
      return bytes;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Value that && bytes().equals(that.bytes());
    }

    @Override
    public int hashCode() {
      return bytes().hashCode();
    }

    @Override
    public String toString() {
      return "Value[" + length() + " bytes]";
    }

    /** A value the server already holds as bytes (a fill lease's value, a test's). */
    private record Buffered(ByteBuffer bytes) implements BlinkStore.StoredValue {
      @Override
      public int length() {
        return bytes.remaining();
      }

      @Override
      public void copyTo(ByteBuffer target, int index, int from, int length) {
        Objects.checkFromIndexSize(from, length, bytes.remaining());
        target.put(index, bytes, bytes.position() + from, length);
      }
    }
  }

  /** {@code USAGE <bytes>}. */
  record Usage(long bytes) implements Reply {}

  /**
   * {@code STATS keys=… usage=… limit=… hits=… misses=… evictions=… expirations=…}, the server's figures, then
   * {@code expiring=…} (the entries held that have a time to live) and {@code evicted_clients=…} (added last, as
   * new fields are).
   */
  record Stats(ServerStats figures) implements Reply {}

  // ---- Extensions: time to live and counters ----

  /** {@code INTEGER <n>}: a counter's value after {@code INCR}, {@code DECR}, {@code INCRBY} or {@code DECRBY}. */
  record Counter(long value) implements Reply {}

  /** {@code TTL <seconds>} or {@code PTTL <milliseconds>}: time left, or {@code -1} if the entry never expires. */
  record TimeToLive(boolean inMillis, long amount) implements Reply {}

  // ---- Extensions: fill leases ----

  /** {@code LEASE <token>}: the caller alone may fill the key, with this token, until the lease ends. */
  record Lease(long token) implements Reply {}

  /** {@code WAIT <ms>}: another client is filling the key; ask again after about this many milliseconds. */
  record Wait(long millis) implements Reply {}

  /** {@code ERROR <message>}; line breaks in the message become spaces so the reply stays one line. */
  record Error(String message) implements Reply {
    public Error {
      message = message.replace('\n', ' ').replace('\r', ' ');
    }
  }

  Error LINE_TOO_LONG = new Error("line too long");
  Error AT_CAPACITY = new Error("storage is at capacity and eviction failed");
  Error WRONG_TYPE = new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  Error INTERNAL_ERROR = new Error("internal error");
  Error OUT_OF_MEMORY = new Error("out of memory");
  Error NO_TOKEN_CONFIGURED = new Error("AUTH called without any auth token configured");
}
