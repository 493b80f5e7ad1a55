package io.blinkstore.server.command;

/**
 * What the command layer counts of a connection's memory against the server's client-memory bound: the bytes a
 * transaction queues or watches, and the connection's name. The transport's account of a connection is one; the
 * command layer needs no more of it, so it does not depend on the transport.
 */
public interface ConnectionMemory {
  /** The memory of connections that count for nothing (the REPL's, in-process sessions'): it keeps no figures. */
  ConnectionMemory NONE = new ConnectionMemory() {
    @Override
    public void addRequests(long delta) {}

    @Override
    public void name(long bytes) {}
  };

  /** Adds {@code delta} (negative: subtracts) to the bytes of the connection's held requests. */
  void addRequests(long delta);

  /** Sets the bytes of the connection's name. */
  void name(long bytes);
}
