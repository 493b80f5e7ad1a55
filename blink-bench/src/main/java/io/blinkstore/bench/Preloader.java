package io.blinkstore.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Sets every key of a key space once, in order, over one blocking connection in pipelined batches, so a GET
 * workload measured afterwards finds its keys. Every reply must be {@code OK}.
 */
final class Preloader {
  private static final int BATCH = 512;

  private Preloader() {}

  /** Returns the number of keys set. */
  static long preload(Endpoint endpoint, Workload workload, long keySpace) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(BATCH * workload.maxRequestBytes());
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    ReplyParser parser = workload.protocol.newParser();
    long[] counts = new long[2];
    try (SocketChannel channel = endpoint.connect()) {
      for (long next = 0; next < keySpace; ) {
        long end = Math.min(keySpace, next + BATCH);
        out.clear();
        for (long key = next; key < end; key++) {
          workload.protocol.writeSet(out, workload.keys, key, workload.value);
        }
        out.flip();
        while (out.hasRemaining()) {
          channel.write(out);
        }
        long expected = counts[0] + (end - next);
        while (counts[0] < expected) {
          in.clear();
          if (channel.read(in) < 0) {
            throw new IOException("the server closed the connection while preloading");
          }
          in.flip();
          parser.parse(in, reply -> {
            counts[0]++;
            if (reply != Reply.OK && reply != Reply.OTHER) {
              counts[1]++;
            }
          });
        }
        if (counts[1] > 0) {
          throw new IOException("preloading failed: the server answered " + counts[1] + " SETs with "
              + (parser.firstError() != null ? "'" + parser.firstError() + "'" : "something other than OK"));
        }
        next = end;
      }
    }
    return counts[0];
  }
}
