package io.blinkstore.server.protocol.resp;

import io.blinkstore.server.command.ClientState;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.LaterReply;
import io.blinkstore.server.command.RespKeys;
import io.blinkstore.server.command.Result;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.Session;
import io.blinkstore.server.transport.Session.Pending;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One RESP connection as a {@link Session}: its {@link ClientState} and the shared {@link Dispatcher} that
 * answers its commands. A protocol error is answered {@code -ERR Protocol error: ...} and ends the connection, as
 * {@code QUIT} does after its {@code +OK}. Used only on the connection's event loop.
 */
public final class RespSession implements Session<RespRequest> {
  private final Dispatcher dispatcher;
  private final ClientState client;
  private final IntConsumer protocolChanged;
  /** The protocol version of the connection's replies, as {@link #protocolChanged} was last told. */
  private int protocol;
  /** The request after whose reply the connection closes ({@code QUIT}), once executed. */
  private @Nullable RespRequest last;
  /** The later reply (blocking pop, script) the last request began, until the transport takes it. */
  private @Nullable Pending pending;

  /** The session of a new connection whose name counts for nothing (for tests and tools). */
  public RespSession(Dispatcher dispatcher) {
    this(dispatcher, dispatcher.newClient(RespKeys::of, ClientMemory.Account.DETACHED, () -> { }));
  }

  /** The session of the connection whose state is {@code client}, whose replies stay in RESP2 (for tests). */
  public RespSession(Dispatcher dispatcher, ClientState client) {
    this(dispatcher, client, version -> { });
  }

  /**
   * The session of the connection whose state is {@code client}; {@code protocolChanged} is told the new version
   * when a command ({@code HELLO 3}) changes the protocol of the replies, before that command's reply is written,
   * so that the connection encodes it and every later one in that version.
   */
  public RespSession(Dispatcher dispatcher, ClientState client, IntConsumer protocolChanged) {
    this.dispatcher = dispatcher;
    this.client = client;
    this.protocolChanged = protocolChanged;
    this.protocol = client.protocol();
    client.replySize(RespEncoder::encodedLength);
    client.mayBlock(true);
  }

  /** Returns the reply, or {@code null} if {@code CLIENT REPLY} drops it. */
  @Override
  public @Nullable Result execute(RespRequest request) {
    if (request instanceof RespRequest.ProtocolError error) {
      Result result = Result.error("Protocol error: " + error.message());
      dispatcher.countError(result);
      return client.replyDropped() ? null : result;
    }
    Result result = dispatcher.dispatch(client, ((RespRequest.Command) request).args());
    LaterReply blocked = client.takePending();
    if (blocked != null) {
      pending = pendingReply(blocked, client.replyDropped());
      return null;
    }
    if (client.protocol() != protocol) {
      protocol = client.protocol();
      protocolChanged.accept(protocol);
    }
    if (client.closing()) {
      last = request;
    }
    return client.replyDropped() ? pushes(result) : result;
  }

  /**
   * What {@code CLIENT REPLY OFF} or {@code SKIP} does not drop of {@code result}: its pushes (pub/sub
   * confirmations and messages), which Redis writes whatever the client asked, or null if it has none.
   */
  private static @Nullable Result pushes(Result result) {
    if (result instanceof Result.Push) {
      return result;
    }
    if (result instanceof Result.Several several) {
      List<Result> pushes = several.replies().stream().filter(Result.Push.class::isInstance).toList();
      return pushes.isEmpty() ? null : new Result.Several(pushes);
    }
    return null;
  }

  @Override
  public long waitNanos(RespRequest request) {
    return request instanceof RespRequest.Command command ? dispatcher.pauseNanos(client, command.args()) : 0;
  }

  @Override
  public void wakeEarly(Runnable wake) {
    dispatcher.wakeOnUnpause(wake);
  }

  @Override
  public void forget(Runnable wake) {
    dispatcher.forgetWake(wake);
  }

  @Override
  public @Nullable Pending takePending() {
    Pending taken = pending;
    pending = null;
    return taken;
  }

  /** The transport's view of {@code blocked}, whose reply is dropped if {@code dropped} ({@code CLIENT REPLY}). */
  private Pending pendingReply(LaterReply blocked, boolean dropped) {
    return new Pending() {
      @Override
      public long timeoutNanos() {
        return blocked.timeoutNanos();
      }

      @Override
      public void whenDone(Consumer<@Nullable Object> reply) {
        blocked.whenDone(result -> {
          dispatcher.countError(result); // a script's error, a pop another client unblocked with an error
          reply.accept(dropped ? null : result);
        });
      }

      @Override
      public void timeOut() {
        blocked.timeOut();
      }

      @Override
      public void cancel() {
        blocked.cancel();
      }
    };
  }

  @Override
  public boolean endsConnection(RespRequest request) {
    return request instanceof RespRequest.ProtocolError || request == last;
  }

  /** The connection's state. */
  public ClientState client() {
    return client;
  }

  /** Whether the connection must still sign in (see {@link ClientState#signedOut}). */
  public boolean signedOut() {
    return client.signedOut();
  }
}
