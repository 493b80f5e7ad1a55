package io.blinkstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * One thread's share of the connections, driven by one selector, like a redis-benchmark thread.
 *
 * <p><b>Latency and coordinated omission.</b> In the closed loop (no rate), each connection keeps
 * {@code pipeline} requests in flight and a request's latency runs from when it was written to when its reply
 * was read: a stalled server delays the requests not yet sent, which are then never timed (coordinated
 * omission), so closed-loop percentiles understate the tail and are reported as such. With a rate, every request
 * has a due time on a fixed schedule and its latency runs from that due time, whether or not the connection
 * could send it then: stalls are charged in full to every request they delayed (as in wrk2). Between due times
 * the loop parks for at most {@link #MAX_PARK_NANOS} instead of spinning: on a machine of two cores a spinning
 * client took a whole core from the server it measured (and a reply read after a park is timed up to that much
 * late, for every server alike).
 */
final class LoadLoop implements Runnable {
  /** How long replies still in flight are awaited after sending stops. */
  static final long DRAIN_NANOS = 10_000_000_000L;

  /** The longest a fixed-rate loop parks while no request is due and no reply has come. */
  static final long MAX_PARK_NANOS = 100_000;

  private final Selector selector;
  private final List<Connection> connections;
  private final Workload workload;
  private final int pipeline;
  private final long intervalNanos;
  private final long measureFrom;
  private final long sendUntil;
  private final long quota;
  private final boolean fixedRate;

  final Histogram histogram = new Histogram(60_000_000_000L, 3);
  private long measuredSent;
  private boolean sending = true;
  private long now;

  volatile long completed;
  long measured;
  long hits;
  long misses;
  long errors;
  long unanswered;
  long lastReplyAt;
  @Nullable String firstError;
  volatile @Nullable Throwable failure;

  /**
   * @param intervalNanos per connection, the time between due times; 0 for the closed loop
   * @param quota the most requests this loop sends after {@code measureFrom}
   */
  LoadLoop(List<Connection> connections, Workload workload, int pipeline, long intervalNanos, long measureFrom,
      long sendUntil, long quota) throws IOException {
    this.selector = Selector.open();
    this.connections = connections;
    this.workload = workload;
    this.pipeline = pipeline;
    this.intervalNanos = intervalNanos;
    this.fixedRate = intervalNanos > 0;
    this.measureFrom = measureFrom;
    this.sendUntil = sendUntil;
    this.quota = quota;
    for (Connection connection : connections) {
      connection.channel.configureBlocking(false);
      connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
    }
  }

  @Override
  public void run() {
    try {
      loop();
    } catch (IOException | RuntimeException e) {
      failure = e;
    } finally {
      close();
    }
  }

  private void loop() throws IOException {
    now = System.nanoTime();
    for (Connection connection : connections) {
      connection.nextDue = now;
      fill(connection);
    }
    long drainUntil = Long.MAX_VALUE;
    for (;;) {
      now = System.nanoTime();
      if (sending && now >= sendUntil) {
        sending = false;
      }
      if (!sending) {
        drainUntil = Math.min(drainUntil, now + DRAIN_NANOS);
        int inFlight = inFlight();
        if (inFlight == 0 || now >= drainUntil) {
          unanswered = inFlight;
          return;
        }
      }
      if (fixedRate) {
        for (Connection connection : connections) {
          fill(connection);
        }
        if (selector.selectNow() == 0) {
          parkUntilDue();
        }
      } else {
        selector.select(100);
      }
      now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        serve((Connection) key.attachment(), key);
      }
      selector.selectedKeys().clear();
    }
  }

  /** Parks until the next request is due, for at most {@link #MAX_PARK_NANOS}. */
  private void parkUntilDue() {
    long due = Long.MAX_VALUE;
    for (Connection connection : connections) {
      if (connection.inFlight() < pipeline) {
        due = Math.min(due, connection.nextDue);
      }
    }
    long wait = Math.min(MAX_PARK_NANOS, due - System.nanoTime());
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  private void serve(Connection connection, SelectionKey key) throws IOException {
    if (key.isReadable()) {
      read(connection);
    }
    if (key.isValid() && key.isWritable()) {
      connection.flush();
    }
    if (!fixedRate) {
      fill(connection);
    }
  }

  /** Sends what the pipeline depth, the schedule and the quota allow. */
  private void fill(Connection connection) throws IOException {
    int before = connection.inFlight();
    while (sending && connection.inFlight() < pipeline) {
      long at = now;
      if (fixedRate) {
        if (now < connection.nextDue) {
          break;
        }
        at = connection.nextDue;
        connection.nextDue += intervalNanos;
      }
      if (at >= measureFrom && measuredSent++ >= quota) {
        sending = false;
        break;
      }
      workload.writeNext(connection.out, connection.random);
      connection.sent(at);
    }
    if (connection.inFlight() != before) {
      connection.flush();
    }
  }

  private void read(Connection connection) throws IOException {
    int read = connection.channel.read(connection.in);
    if (read < 0) {
      throw new IOException("the server closed a connection with " + connection.inFlight() + " replies pending"
          + (connection.parser.firstError() != null ? " (its last error: " + connection.parser.firstError() + ")" : ""));
    }
    connection.in.flip();
    connection.parser.parse(connection.in, reply -> answered(connection, reply));
    connection.in.clear();
  }

  private void answered(Connection connection, Reply reply) {
    long sentAt = connection.answered();
    completed++;
    if (sentAt < measureFrom) {
      return;
    }
    histogram.recordValue(Math.max(0, now - sentAt));
    measured++;
    lastReplyAt = now;
    switch (reply) {
      case HIT -> hits++;
      case MISS -> misses++;
      case ERROR -> {
        errors++;
        if (firstError == null) {
          firstError = connection.parser.firstError();
        }
      }
      default -> { }
    }
  }

  private int inFlight() {
    int total = 0;
    for (Connection connection : connections) {
      total += connection.inFlight();
    }
    return total;
  }

  private void close() {
    for (Connection connection : connections) {
      try {
        connection.channel.close();
      } catch (IOException e) {
        failure = failure != null ? failure : new UncheckedIOException(e);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      failure = failure != null ? failure : new UncheckedIOException(e);
    }
  }
}
