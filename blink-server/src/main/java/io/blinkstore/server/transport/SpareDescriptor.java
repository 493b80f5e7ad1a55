package io.blinkstore.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file descriptor held in reserve, so that a client can still be told the server is full when the process
 * has no descriptor left to accept it with (as nginx, libev and others do). Installed on the listening channels:
 * when an accept fails for want of descriptors ({@code EMFILE}, {@code ENFILE}), the spare is given up, so the
 * next accept succeeds, and every connection accepted while the spare is out is refused with the server's
 * "max number of clients reached" and closed ({@link #isShort}); when a refused connection closes, the spare is
 * taken back (or {@link #RETRY_MILLIS} later, whichever comes first). A listener whose accept fails with the
 * spare already out stops accepting for {@link #RETRY_MILLIS} and tries again, instead of Netty's one second
 * and a warning every time.
 *
 * <p>Thread-safe: the listeners may run on different event loops. One instance per server; {@link #close} gives
 * the spare back to the system.
 */
@Sharable
public final class SpareDescriptor extends ChannelInboundHandlerAdapter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpareDescriptor.class);

  /** How long a listener that could not accept, with no spare left to give, waits before it tries again. */
  static final long RETRY_MILLIS = 50;

  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path file;
  private final Set<Channel> paused = new HashSet<>();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private @Nullable FileChannel spare;
  private volatile boolean isShort;
  private boolean closed;

  /** A spare on {@code file} ({@code /dev/null}); none is held before {@link #reserve}. */
  public SpareDescriptor(Path file) {
    this.file = file;
  }

  /** Opens the spare, to hold until it is needed or {@link #close}d; once the server starts. */
  public synchronized void reserve() {
    if (spare == null && !closed) {
      spare = open();
    }
  }

  /** Whether the spare is out: connections accepted now are refused at once. */
  boolean isShort() {
    return isShort;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!outOfDescriptors(cause)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    long last = lastLog.get();
    if (System.nanoTime() - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, System.nanoTime())) {
      log.warn("out of file descriptors (ulimit -n): new clients are told the server is full and closed until"
          + " some are freed; lower --max-connections or raise the limit");
    }
    Channel listener = ctx.channel();
    synchronized (this) {
      if (spare != null) {
        closeSpare(); // the listener accepts at once again, and gets this descriptor
      } else {
        listener.config().setAutoRead(false);
        paused.add(listener);
      }
    }
    // Taken back when a refused connection closes, or else then, should no client have come for the descriptor.
    listener.eventLoop().schedule(this::takeBack, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A refused connection has closed, or a listener waited: takes the spare back if a descriptor is free. */
  void takeBack() {
    Set<Channel> resumed;
    synchronized (this) {
      if (spare == null && !closed) {
        spare = open();
        isShort = spare == null;
      }
      resumed = Set.copyOf(paused);
      paused.clear();
    }
    for (Channel listener : resumed) {
      listener.config().setAutoRead(true); // fails again, and waits again, while descriptors are short
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeSpare();
  }

  private void closeSpare() {
    if (spare != null) {
      try {
        spare.close();
      } catch (IOException e) {
        log.debug("could not close the spare descriptor", e);
      }
      spare = null;
    }
    isShort = !closed;
  }

  /** Opens the spare, or returns null when no descriptor is free. */
  private @Nullable FileChannel open() {
    try {
      return FileChannel.open(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether {@code cause} is an accept that failed for want of descriptors, per process or system-wide. */
  static boolean outOfDescriptors(Throwable cause) {
    return cause instanceof IOException && String.valueOf(cause.getMessage()).contains("Too many open files");
  }
}
