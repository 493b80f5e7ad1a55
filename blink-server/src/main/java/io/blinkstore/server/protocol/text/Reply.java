package io.blinkstore.server.protocol.text;

import io.blinkstore.server.command.ServerStats;
import java.nio.ByteBuffer;

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
   * {@code VALUE <base64>}: a stored value, base64-encoded (standard alphabet, padded) on the wire: the bytes
   * between the buffer's position and limit, never consumed. A GET answers the store's read-only view of the
   * value ({@link io.blinkstore.BlinkStore#getBuffer}), so the value is not copied before it is encoded.
   */
  record Value(ByteBuffer bytes) implements Reply {
    /** The value {@code bytes}, which must not change afterwards. */
    public Value(byte[] bytes) {
      this(ByteBuffer.wrap(bytes));
    }

    @Override
    public String toString() {
      return "Value[" + bytes.remaining() + " bytes]";
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
  Error INTERNAL_ERROR = new Error("internal error");
  Error OUT_OF_MEMORY = new Error("out of memory");
  Error NO_TOKEN_CONFIGURED = new Error("AUTH called without any auth token configured");
}
