package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code WAIT numreplicas timeout} as Redis 7.0 answers it on a primary: the number of replicas whose
 * {@code REPLCONF ACK} has reached the stream's offset when {@code WAIT} came ({@link Replication}), at once if that
 * is {@code numreplicas} or more, inside {@code MULTI}, or on a connection that cannot wait (the REPL's); otherwise
 * the client blocks until enough acknowledge (each {@code ACK} checks), its timeout (milliseconds; 0: for ever),
 * {@code CLIENT UNBLOCK} or its close, and is then answered the count. The wait holds no thread: it is a request
 * with no keys in {@link BlockedClients}, timed by its connection's event loop, counted in {@code blocked_clients},
 * as Redis counts it.
 */
final class WaitCommand {
  private static final Result.Error TIMEOUT_NOT_AN_INTEGER = Result.error("timeout is not an integer or out of range");
  private static final Result.Error TIMEOUT_NEGATIVE = Result.error("timeout is negative");
  private final BlockedClients blocked;
  private final Replication replication;

  WaitCommand(BlockedClients blocked, Replication replication) {
    this.blocked = blocked;
    this.replication = replication;
  }

  void register(CommandTable commands) {
    commands.add("wait", 3, Keys.NONE, this::await, NOSCRIPT);
  }

  private Result await(ClientState client, byte[][] args) {
    Long replicas = Arguments.integer(args[1]);
    if (replicas == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    Long timeout = Arguments.integer(args[2]);
    if (timeout == null) {
      return TIMEOUT_NOT_AN_INTEGER;
    }
    if (timeout < 0) {
      return TIMEOUT_NEGATIVE;
    }
    long offset = replication.offset();
    int acknowledged = replication.acknowledged(offset);
    if (acknowledged >= replicas || client.transaction() != null || !client.mayBlock()) {
      return new Result.Int(acknowledged);
    }
    Object request = blocked.block(client, List.of(), key -> null, TimeUnit.MILLISECONDS.toNanos(timeout),
        () -> new Result.Int(replication.acknowledged(offset)));
    if (request instanceof BlockedRequest waiting) {
      replication.await(waiting, offset, replicas);
    }
    return request instanceof Result served ? served : RespBlockingCommands.BLOCKED;
  }
}
