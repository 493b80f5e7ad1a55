package io.blinkstore.server.protocol.text;

import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.transport.SignInDeadline;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * Lets a text-protocol connection's commands through only once it has authenticated with {@code AUTH <token>};
 * installed between the decoder and the {@code CommandHandler} when the server has a token. Commands are judged
 * in the order they arrive, so a pipelined {@code AUTH} applies to the lines after it. Until then every command
 * but {@code QUIT} and a bare {@code AUTH} ({@code ERROR AUTH requires token}) is answered {@link #NOAUTH};
 * {@code AUTH <token>} is answered {@code OK} or {@link #WRONG_TOKEN}.
 * Stateless itself (the state lives on the channel, kept by {@link Authenticator}), so one instance serves every
 * connection.
 */
@Sharable
public final class AuthGate extends ChannelInboundHandlerAdapter {
  public static final String NAME = "blink-auth";
  static final Command.Invalid NOAUTH = new Command.Invalid("NOAUTH authentication required");
  static final Command.Invalid WRONG_TOKEN = new Command.Invalid("WRONGPASS invalid auth token");

  private final Authenticator authenticator;

  public AuthGate(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireChannelRead(msg instanceof Command command ? judge(ctx, command) : msg);
  }

  private Command judge(ChannelHandlerContext ctx, Command command) {
    if (command instanceof Command.Auth auth) {
      boolean right = authenticator.authenticate(ctx.channel(), auth.token().getBytes(StandardCharsets.UTF_8));
      if (right) {
        SignInDeadline.signedIn(ctx.channel());
      }
      return right ? Command.AUTHENTICATED : WRONG_TOKEN;
    }
    if (command instanceof Command.Quit || command instanceof Command.LineTooLong
        || command == CommandParser.AUTH_REQUIRES_TOKEN || authenticator.isAuthenticated(ctx.channel())) {
      return command;
    }
    return NOAUTH;
  }
}
