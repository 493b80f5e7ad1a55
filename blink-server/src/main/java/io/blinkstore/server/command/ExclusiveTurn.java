package io.blinkstore.server.command;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server's turn to hold the store's gate exclusive: a script, an {@code EXEC} and a command that runs as a
 * one-command transaction ({@code RENAME}, {@code MSETNX}, ...) take it before {@link io.blinkstore.internal.Isolation
 * #atomically}. The script thread waits for it as long as it takes; an event loop waits in slices and gives up when
 * a script has held it past {@code busy-reply-threshold} ({@code -BUSY} then), so that no event loop waits on the
 * gate for a script that may never end, and a {@code SCRIPT KILL} on that loop is always answered.
 */
final class ExclusiveTurn {
  /** How long an event loop waits for the turn at a time before it asks again whether a script makes it busy. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final ReentrantLock turn = new ReentrantLock();
  /** Run as the outermost hold ends, the turn still held: the section's writes go to the replicas then. */
  private final Runnable releasing;

  /** A turn with nothing to do at its release. */
  ExclusiveTurn() {
    this(() -> { });
  }

  /** A turn that runs {@code releasing} at the end of each outermost hold, before the next holder may take it. */
  ExclusiveTurn(Runnable releasing) {
    this.releasing = releasing;
  }

  /** Runs {@code body} holding the turn, waiting for it however long it takes (the script thread). */
  Result await(Supplier<Result> body) {
    turn.lock();
    try {
      return body.get();
    } finally {
      release();
    }
  }

  /**
   * Runs {@code body} holding the turn, or returns {@code null} without running it once {@code busy} says that the
   * holder has made the server busy (asked between slices of waiting), or if this thread is interrupted.
   */
  @Nullable Result tryRun(BooleanSupplier busy, Supplier<Result> body) {
    try {
      while (!turn.tryLock(SLICE_NANOS, TimeUnit.NANOSECONDS)) {
        if (busy.getAsBoolean()) {
          return null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    try {
      return body.get();
    } finally {
      release();
    }
  }

  private void release() {
    try {
      if (turn.getHoldCount() == 1) {
        releasing.run();
      }
    } finally {
      turn.unlock();
    }
  }
}
