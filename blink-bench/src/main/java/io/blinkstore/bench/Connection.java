package io.blinkstore.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One non-blocking connection of a {@link LoadLoop}: its buffers, its reply parser, and the send times of the
 * requests in flight (a ring as deep as the pipeline), matched to replies in order.
 */
final class Connection {
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  final SocketChannel channel;
  final ReplyParser parser;
  final SplittableRandom random;
  final ByteBuffer out;
  final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private final long[] sentAt;
  private long head;
  private long tail;
  /** Set when the loop registers the channel, before its first flush. */
  @Nullable SelectionKey key;
  /** In the fixed-rate mode: when the next request is due, by the schedule, not by when it is sent. */
  long nextDue;

  Connection(SocketChannel channel, Workload workload, int pipeline, long seed) {
    this.channel = channel;
    this.parser = workload.protocol.newParser();
    this.random = new SplittableRandom(seed);
    this.out = ByteBuffer.allocate(pipeline * workload.maxRequestBytes());
    this.sentAt = new long[pipeline];
  }

  int inFlight() {
    return (int) (tail - head);
  }

  void sent(long at) {
    sentAt[(int) (tail++ % sentAt.length)] = at;
  }

  /** Returns when the oldest request in flight was sent (or due), and forgets it. */
  long answered() {
    if (head == tail) {
      throw new IllegalStateException("the server sent more replies than requests, so it does not speak this"
          + " protocol" + (parser.firstError() != null ? " (it said: " + parser.firstError() + ")" : ""));
    }
    return sentAt[(int) (head++ % sentAt.length)];
  }

  /** Writes what the socket takes now; asks for a write-ready event if some is left. */
  void flush() throws IOException {
    out.flip();
    channel.write(out);
    boolean pending = out.hasRemaining();
    out.compact();
    int ops = pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    SelectionKey registered = Objects.requireNonNull(key, "flushed before the loop registered the channel");
    if (registered.interestOps() != ops) {
      registered.interestOps(ops);
    }
  }
}
