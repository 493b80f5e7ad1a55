package io.blinkstore.server.command;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A client's blocking pop ({@code BLPOP}, {@code BLMOVE}, ...) waiting in {@link BlockedClients} for one of its
 * keys to get elements: what it waits for, and its reply once it has one. It holds no thread: the connection's
 * transport asks for the reply ({@link #whenDone}) and arms the timeout on its event loop ({@link #timeOut}).
 * Exactly one of a serve, the timeout, {@code CLIENT UNBLOCK} or the connection's end ({@link #cancel}) ends it.
 */
public final class BlockedRequest implements LaterReply {
  /** Tries to serve the request from one of its keys: its reply, or {@code null} if that list is empty. */
  @FunctionalInterface
  interface Attempt {
    @Nullable Result serve(String key);
  }

  private final BlockedClients registry;
  private final ClientState client;
  private final List<String> keys;
  private final Attempt attempt;
  private final long timeoutNanos;
  /** Its reply at the timeout and to {@code CLIENT UNBLOCK id TIMEOUT}. */
  private final Supplier<Result> timedOut;
  private final long heldBytes;
  /** The blocking command's arguments, what a replica gets once it is served ({@link BlockedClients.Served}). */
  private final byte[][] args;
  /** Guarded by the registry's lock. */
  private boolean ended;
  private final ReplySlot reply = new ReplySlot();

  BlockedRequest(BlockedClients registry, ClientState client, List<String> keys, Attempt attempt,
      long timeoutNanos, Supplier<Result> timedOut) {
    this.registry = registry;
    this.timedOut = timedOut;
    this.client = client;
    this.args = client.runningArgs();
    this.keys = keys;
    this.attempt = attempt;
    this.timeoutNanos = timeoutNanos;
    long bytes = 0;
    for (String key : keys) {
      bytes += BlockedClients.BYTES_PER_KEY + 2L * key.length();
    }
    this.heldBytes = bytes;
  }

  /** How long it waits before it answers as Redis does at a timeout, in nanoseconds; 0: for ever. */
  @Override
  public long timeoutNanos() {
    return timeoutNanos;
  }

  /**
   * Calls {@code reply} once, from any thread, with the reply when it comes (at once if it has come); never
   * after {@link #cancel}.
   */
  @Override
  public void whenDone(Consumer<Result> taker) {
    reply.whenDone(taker);
  }

  /** The timeout has come: it answers as its command does then (a pop: a null array), unless it was served first. */
  @Override
  public void timeOut() {
    registry.end(this, timedOut.get());
  }

  /** What it answers at its timeout. */
  Result timedOut() {
    return timedOut.get();
  }

  /** The connection has closed: it stops waiting, and no reply is given. */
  @Override
  public void cancel() {
    registry.end(this, null);
  }

  ClientState client() {
    return client;
  }

  List<String> keys() {
    return keys;
  }

  Attempt attempt() {
    return attempt;
  }

  /** What it holds, counted in the connection's memory while it waits: its keys' chars and their table slots. */
  long heldBytes() {
    return heldBytes;
  }

  byte[][] args() {
    return args;
  }

  boolean ended() {
    return ended;
  }

  void ended(boolean ended) {
    this.ended = ended;
  }

  /** Gives {@code result} to the listener, or keeps it for the one {@link #whenDone} will bring. */
  void complete(Result result) {
    reply.give(result);
  }
}
