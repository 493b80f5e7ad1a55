package io.blinkstore.server.command;

import java.util.function.Consumer;

/**
 * The reply of a command that comes later than the command's return, on no thread of the connection's: a blocking
 * pop's ({@link BlockedRequest}), served by another connection's write or its timeout, or a script's
 * ({@link ScriptRun}), run on the script thread. The connection's transport holds the requests that follow until
 * it comes ({@link ClientState#takePending}).
 */
public interface LaterReply {
  /** How long it waits before {@link #timeOut} must be called, in nanoseconds; 0: for ever. */
  long timeoutNanos();

  /**
   * Calls {@code reply} once, from any thread, with the reply when it comes (at once if it has come); never after
   * {@link #cancel}.
   */
  void whenDone(Consumer<Result> reply);

  /** The timeout has come: it answers as its command does at a timeout, unless the reply came first. */
  void timeOut();

  /** The connection has closed: no reply is given. */
  void cancel();
}
