package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code WAIT numreplicas timeout} as Redis 7.0 answers it on a primary with no replicas, which this server always
 * is: {@code :0} at once when 0 replicas (or fewer) are asked for, inside {@code MULTI}, or on a connection that
 * cannot wait (the REPL's); otherwise the client blocks until its timeout (milliseconds; 0: for ever),
 * {@code CLIENT UNBLOCK} or its close, and is then answered {@code :0}, the number of replicas that acknowledged.
 * The wait holds no thread: it is a request with no keys in {@link BlockedClients}, timed by its connection's event
 * loop, counted in {@code blocked_clients}, as Redis counts it.
 */
final class WaitCommand {
  private static final Result.Error TIMEOUT_NOT_AN_INTEGER = Result.error("timeout is not an integer or out of range");
  private static final Result.Error TIMEOUT_NEGATIVE = Result.error("timeout is negative");
  private static final Result.Int NO_REPLICAS = new Result.Int(0);

  private final BlockedClients blocked;

  WaitCommand(BlockedClients blocked) {
    this.blocked = blocked;
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
    if (replicas <= 0 || client.transaction() != null || !client.mayBlock()) {
      return NO_REPLICAS;
    }
    Object request = blocked.block(client, List.of(), key -> null, TimeUnit.MILLISECONDS.toNanos(timeout),
        NO_REPLICAS);
    return request instanceof Result served ? served : RespBlockingCommands.BLOCKED;
  }
}
