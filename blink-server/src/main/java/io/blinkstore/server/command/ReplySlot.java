package io.blinkstore.server.command;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one reply of a {@link LaterReply}, and whoever waits for it: given once from any thread ({@link #give}),
 * taken once ({@link #whenDone}), whichever comes first; nothing is given after {@link #cancel}.
 */
final class ReplySlot {
  /** Guarded by this. */
  private @Nullable Result reply;
  /** Guarded by this. */
  private @Nullable Consumer<Result> listener;
  /** Guarded by this. */
  private boolean cancelled;

  /** Calls {@code taker} once with the reply: now if it has come, else when it is given. */
  void whenDone(Consumer<Result> taker) {
    Result ready;
    synchronized (this) {
      if (reply == null) {
        listener = taker;
        return;
      }
      ready = reply;
    }
    taker.accept(ready);
  }

  /** Gives {@code result} to the taker waiting, or keeps it for the one {@link #whenDone} will bring. */
  void give(Result result) {
    Consumer<Result> waiting;
    synchronized (this) {
      reply = result;
      waiting = cancelled ? null : listener;
      listener = null;
    }
    if (waiting != null) {
      waiting.accept(result);
    }
  }

  /** No taker any more: a reply given later goes nowhere. */
  synchronized void cancel() {
    cancelled = true;
    listener = null;
  }

  /**
   * This slot as the {@link LaterReply} of work that holds itself to its own time (a {@code SAVE}, a
   * {@code MIGRATE}): no timeout of the connection's, {@link LaterReply#timeOut} does nothing, and a cancel (the
   * connection closed) lets the work go on while its reply goes nowhere.
   */
  LaterReply untimed() {
    return new LaterReply() {
      @Override
      public long timeoutNanos() {
        return 0;
      }

      @Override
      public void whenDone(Consumer<Result> reply) {
        ReplySlot.this.whenDone(reply);
      }

      @Override
      public void timeOut() {
        // never called: there is no timeout
      }

      @Override
      public void cancel() {
        ReplySlot.this.cancel();
      }
    };
  }
}
