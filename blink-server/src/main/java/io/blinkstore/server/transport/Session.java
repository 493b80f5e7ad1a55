package io.blinkstore.server.transport;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One connection's protocol, as {@link CommandHandler} sees it: what to answer to each decoded request, and
 * whether the request ends the connection. Called only on the connection's event loop, in request order.
 *
 * @param <Q> the type of the requests the protocol's decoder emits
 */
public interface Session<Q> {

  /**
   * Executes {@code request} and returns its reply, an object the protocol's encoder accepts, or {@code null}
   * when the request has no reply. Never throws for bad input or a store failure: those are replies.
   */
  @Nullable Object execute(Q request);

  /** Tells whether the connection ends once the reply to {@code request} is written. */
  boolean endsConnection(Q request);

  /**
   * How long {@code request} must wait before it is executed ({@code CLIENT PAUSE}), in nanoseconds; 0: now. The
   * caller holds it (and what follows) meanwhile, on no thread, and asks again when the time is up or
   * {@code wake} runs.
   */
  default long waitNanos(Q request) {
    return 0;
  }

  /** Runs {@code wake}, once, from any thread, if the requests waiting may run earlier; until {@link #forget}. */
  default void wakeEarly(Runnable wake) {}

  /** Drops a wake-up given to {@link #wakeEarly}. */
  default void forget(Runnable wake) {}

  /**
   * After {@link #execute} answered {@code null}: the reply that request still waits for ({@code BLPOP} blocked),
   * or {@code null}. The caller holds the requests that follow until it comes; cleared by this call.
   */
  default @Nullable Pending takePending() {
    return null;
  }

  /** A reply that comes later, from another connection's write or a timeout; it holds no thread. */
  interface Pending {
    /** How long until {@link #timeOut} must be called, in nanoseconds; 0: never. */
    long timeoutNanos();

    /** Calls {@code reply} once, from any thread, with the reply (an encoder's object, or {@code null}: none). */
    void whenDone(Consumer<@Nullable Object> reply);

    /** The time is up: the timeout's reply comes, unless the real one came first. */
    void timeOut();

    /** The connection has closed: no reply is wanted any more. */
    void cancel();
  }
}
