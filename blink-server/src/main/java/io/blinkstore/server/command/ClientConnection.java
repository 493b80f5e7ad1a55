package io.blinkstore.server.command;

/**
 * A client's connection as {@code CLIENT LIST}, {@code CLIENT KILL} and {@code CLIENT NO-EVICT} see it: the
 * transport's side of a {@link ClientState}. Its methods may be called from any event loop.
 */
public interface ClientConnection {
  /** A connection that has none of these (the REPL's, tests'). */
  ClientConnection NONE = detached("");

  /**
   * A connection that has none of these, whose commands {@code MONITOR} shows as coming from {@code source}
   * ({@code lua}: a script's).
   */
  static ClientConnection detached(String source) {
    return new ClientConnection() {
      @Override
      public String address() {
        return "";
      }

      @Override
      public String localAddress() {
        return "";
      }

      @Override
      public boolean unixSocket() {
        return false;
      }

      @Override
      public long replyBytes() {
        return 0;
      }

      @Override
      public long heldBytes() {
        return 0;
      }

      @Override
      public void close() {
        // nothing to close
      }

      @Override
      public void evictLast(boolean last) {
        // nothing is evicted
      }

      @Override
      public String monitorSource() {
        return source;
      }

      @Override
      public void monitor(Result.Simple line, long bytes, long maxPendingBytes) {
        // nowhere to send it
      }

      @Override
      public boolean stream(byte[] bytes, long maxPendingBytes) {
        return false; // nowhere to send it: not a replica's connection
      }

      @Override
      public boolean push(Result message, long bytes, long maxPendingBytes) {
        return true; // nowhere to send it, as a monitor's lines
      }
    };
  }

  /** The client's address as Redis writes it: {@code 127.0.0.1:5555}, {@code [::1]:5555}, {@code /path:0}. */
  String address();

  /** The server's address of the connection, in the same form. */
  String localAddress();

  /** Whether it came in on the Unix socket. */
  boolean unixSocket();

  /**
   * Whether Redis counts the connection as local ({@code enable-debug-command local}): the Unix socket, or a TCP
   * client at {@code 127.0.0.1} or {@code ::1} exactly (not the rest of {@code 127.0.0.0/8}).
   */
  default boolean local() {
    return unixSocket();
  }

  /** Bytes of replies waiting for the client. */
  long replyBytes();

  /** Everything it holds against {@code --max-client-memory}. */
  long heldBytes();

  /** Closes the connection (from any thread). */
  void close();

  /** Whether {@code --max-client-memory} closes it only after every connection not so marked. */
  void evictLast(boolean last);

  /** Where its commands come from in a {@code MONITOR} line: its address, or {@code unix:<path>}. */
  String monitorSource();

  /**
   * Sends a {@code MONITOR} line of {@code bytes} on the wire, from any thread; closes the connection instead if
   * more than {@code maxPendingBytes} would then wait for the client.
   */
  void monitor(Result.Simple line, long bytes, long maxPendingBytes);

  /**
   * Sends {@code bytes} as they are, after every reply and stream bytes handed to it before, from any thread: a
   * replica's replication stream. Closes the connection instead if more than {@code maxPendingBytes} would then
   * wait for the client.
   *
   * @return whether the connection is still open (false: the replica is gone)
   */
  boolean stream(byte[] bytes, long maxPendingBytes);

  /**
   * Sends a pub/sub message of {@code bytes} on the wire, from any thread, after every message sent to it before
   * from the same thread; closes the connection instead if more than {@code maxPendingBytes} would then wait for
   * the client. On the connection's own event loop it is written at once (a publisher's own messages are not
   * pushed: they ride in its reply, where Redis writes them). Once the connection is being closed (evicted by
   * {@code --max-client-memory}, past {@code maxPendingBytes}, or closed by the server) a message is dropped, as
   * Redis drops what it would write to a client it frees.
   *
   * @return whether the message is on its way: false once the connection is being closed
   */
  boolean push(Result message, long bytes, long maxPendingBytes);
}
