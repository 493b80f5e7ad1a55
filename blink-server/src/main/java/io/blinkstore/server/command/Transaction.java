package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection's {@code MULTI}: the commands queued for {@code EXEC}, and whether one was refused while queueing
 * (then {@code EXEC} answers {@code -EXECABORT}). Its bytes count in the connection's client memory as requests
 * waiting to run do, so the server-wide bound ({@code --max-client-memory}) evicts a connection that queues too
 * much; and a transaction holds at most {@link #MAX_COMMANDS}, so that the count is bounded even where nothing
 * counts the bytes.
 */
final class Transaction {
  /** The most commands one transaction queues: beyond, a command is refused and the transaction aborts. */
  static final int MAX_COMMANDS = 100_000;

  /** What a queued command costs beyond its arguments' bytes: its entry, its array, each argument's header. */
  private static final int COMMAND_OVERHEAD = 48;

  private static final int ARGUMENT_OVERHEAD = 16;

  /** A command waiting for {@code EXEC}, looked up when it was queued. */
  record Queued(CommandSpec spec, byte[][] args) {}

  private final List<Queued> commands = new ArrayList<>();
  private long bytes;
  private boolean refused;

  /** Whether the transaction is full: the next command is refused. */
  boolean full() {
    return commands.size() >= MAX_COMMANDS;
  }

  /** Queues {@code args}; returns the bytes it counts. */
  long add(CommandSpec spec, byte[][] args) {
    commands.add(new Queued(spec, args));
    long size = bytesOf(args);
    bytes += size;
    return size;
  }

  private static long bytesOf(byte[][] args) {
    long size = COMMAND_OVERHEAD;
    for (byte[] arg : args) {
      size += ARGUMENT_OVERHEAD + arg.length;
    }
    return size;
  }

  /** Marks the transaction aborted: a command was refused while queueing. */
  void refuse() {
    refused = true;
  }

  boolean refused() {
    return refused;
  }

  List<Queued> commands() {
    return commands;
  }

  /** The bytes its queued commands count. */
  long bytes() {
    return bytes;
  }
}
