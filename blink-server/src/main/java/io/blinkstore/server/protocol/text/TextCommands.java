package io.blinkstore.server.protocol.text;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Arguments;
import io.blinkstore.server.command.ClientConnection;
import io.blinkstore.server.command.ClientState;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.ErrorKind;
import io.blinkstore.server.command.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The text protocol's name table: each request word ({@link Command}) runs the {@code CommandTable}'s operation
 * of the same meaning through the one {@link Dispatcher} (so the same sign-in, heap guard, size limits, lease
 * ends, counting and error kinds apply), and its {@link Result} is rendered as the original server's
 * {@link Reply}. Only what has no operation is answered here: {@code USAGE} and {@code STATS} (reports of this
 * protocol), a line that is not a request, and a GET or DELETE of a key that no SET could have made (it holds
 * whitespace); those are counted as commands too. Text words change no connection state (sign-in is
 * {@link AuthGate}'s); a connection's keys are its UTF-8 text. One instance per connection, used on its event
 * loop only: it remembers the last key it turned into bytes, so that the operation gets back the same
 * {@code String} instead of decoding it again.
 */
public final class TextCommands {
  private static final byte[] GET = ascii("get");
  private static final byte[] SET = ascii("set");
  private static final byte[] NX = ascii("nx");
  private static final byte[] PX = ascii("px");
  private static final byte[] DEL = ascii("del");
  private static final byte[] FLUSHALL = ascii("flushall");
  private static final byte[] PING = ascii("ping");
  private static final byte[] SYNC = ascii("sync");
  private static final byte[] PSETEX = ascii("psetex");
  private static final byte[] PEXPIRE = ascii("pexpire");
  private static final byte[] PERSIST = ascii("persist");
  private static final byte[] TTL = ascii("ttl");
  private static final byte[] PTTL = ascii("pttl");
  private static final byte[] INCRBY = ascii("incrby");
  private static final byte[] GETL = ascii("getl");
  private static final byte[] FILL = ascii("fill");
  private static final byte[] RELEASE = ascii("release");
  private static final byte[] NO_TTL = ascii("0");
  private static final Result.Int ONE = new Result.Int(1);
  private static final Result.Int ABSENT = new Result.Int(-2);

  private final Dispatcher dispatcher;
  private final ClientState client;
  /** Whether an {@link AuthGate} signs this connection in (the server has a token): else {@link #refusal} does. */
  private final boolean gated;
  /** Without a gate: whether {@code AUTH} gave the default user's password (needed once {@code ACL SETUSER} set one). */
  private boolean signedIn;
  /** The bytes {@link #key} made last, and the key they are: what the operation asks for next. */
  private byte @Nullable [] keyBytes;
  private @Nullable String keyText;

  /** Text words run against {@code store}, with their own lease table and counters and no guards (the REPL's). */
  public TextCommands(BlinkStore store) {
    this(new Dispatcher(store));
  }

  /** Text words run by {@code dispatcher}, the server's one. */
  public TextCommands(Dispatcher dispatcher) {
    this(dispatcher, ClientConnection.NONE);
  }

  /** Text words run by {@code dispatcher} for the connection {@code connection} ({@code MONITOR} shows it). */
  public TextCommands(Dispatcher dispatcher, ClientConnection connection) {
    this(dispatcher, connection, false);
  }

  /** As {@link #TextCommands(Dispatcher, ClientConnection)}, behind an {@link AuthGate} if {@code gated}. */
  public TextCommands(Dispatcher dispatcher, ClientConnection connection, boolean gated) {
    this.dispatcher = dispatcher;
    this.client = dispatcher.signedInClient(this::storeKey, connection);
    this.gated = gated;
  }

  /**
   * Returns the reply to {@code command}. Never throws for a store failure: those are error replies.
   *
   * @throws IllegalArgumentException for {@link Command.Quit}, which has no reply: the caller ends the session
   */
  public Reply execute(Command command) {
    if (command instanceof Command.Quit) {
      throw new IllegalArgumentException("QUIT has no reply; the caller ends the session");
    }
    Reply refused = refusal(command);
    if (refused != null) {
      return refused;
    }
    byte[][] args = arguments(command);
    if (args == null) {
      dispatcher.counters().commandExecuted();
      return answerHere(command);
    }
    Result result = dispatcher.dispatch(client, args);
    return result instanceof Result.Error error ? error(error) : render(command, result);
  }

  /**
   * {@code SYNC}: the connection becomes a replica; its stream is written past the codec, so there is no reply
   * unless the server refuses (an error line then).
   */
  @Nullable Reply sync() {
    Result result = dispatcher.dispatch(client, args(SYNC));
    return result instanceof Result.Error error ? error(error) : null;
  }

  /**
   * How long {@code command} must wait before it runs ({@code CLIENT PAUSE}), as the operation it runs would; 0 for
   * one answered here ({@code USAGE}, {@code STATS}).
   */
  long pauseNanos(Command command) {
    if (command instanceof Command.Quit || !dispatcher.paused()) {
      return 0; // no pause: one volatile read, no arguments built
    }
    byte[][] args = arguments(command);
    return args == null ? 0 : dispatcher.pauseNanos(client, args);
  }

  void wakeOnUnpause(Runnable wake) {
    dispatcher.wakeOnUnpause(wake);
  }

  void forgetWake(Runnable wake) {
    dispatcher.forgetWake(wake);
  }

  /** The {@code STATS} figures now, without counting a command (the metrics endpoint's view). */
  Reply.Stats stats() {
    return new Reply.Stats(dispatcher.counters().stats(dispatcher.store()));
  }

  /** The operation's arguments for {@code command}, or {@code null} if it is answered here. */
  private byte @Nullable [][] arguments(Command command) {
    if (command instanceof Command.Get get) {
      return BlinkStore.isValidKey(get.key()) ? args(GET, key(get.key())) : null;
    }
    if (command instanceof Command.Set set) {
      return args(SET, key(set.key()), set.value());
    }
    if (command instanceof Command.Delete delete) {
      return BlinkStore.isValidKey(delete.key()) ? args(DEL, key(delete.key())) : null;
    }
    if (command instanceof Command.Add add) {
      return add.ttl() == null
          ? args(SET, key(add.key()), add.value(), NX)
          : args(SET, key(add.key()), add.value(), NX, PX, millis(add.ttl()));
    }
    if (command instanceof Command.Flush) {
      return args(FLUSHALL);
    }
    if (command instanceof Command.Ping) {
      return args(PING);
    }
    return ttlOrLeaseArguments(command);
  }

  private byte @Nullable [][] ttlOrLeaseArguments(Command command) {
    if (command instanceof Command.SetWithTtl set) {
      return args(PSETEX, key(set.key()), millis(set.ttl()), set.value());
    }
    if (command instanceof Command.Expire expire) {
      return args(PEXPIRE, key(expire.key()), millis(expire.ttl()));
    }
    if (command instanceof Command.Persist persist) {
      return args(PERSIST, key(persist.key()));
    }
    if (command instanceof Command.Ttl ttl) {
      return args(ttl.inMillis() ? PTTL : TTL, key(ttl.key()));
    }
    if (command instanceof Command.IncrementBy increment) {
      return args(INCRBY, key(increment.key()), decimal(increment.delta()));
    }
    if (command instanceof Command.GetOrLease get) {
      return args(GETL, key(get.key()), decimal(get.leaseMillis()));
    }
    if (command instanceof Command.Fill fill) {
      byte[] ttl = fill.ttl() == null ? NO_TTL : millis(fill.ttl());
      return args(FILL, key(fill.key()), decimal(fill.token()), ttl, fill.value());
    }
    if (command instanceof Command.Release release) {
      return args(RELEASE, key(release.key()), decimal(release.token()));
    }
    return null;
  }

  /** The reply to a command that runs no operation. */
  private Reply answerHere(Command command) {
    if (command instanceof Command.Get || command instanceof Command.Delete) {
      return Reply.Status.NOT_FOUND; // a key with whitespace: no entry can have it
    }
    if (command instanceof Command.Usage) {
      return new Reply.Usage(dispatcher.store().usage());
    }
    if (command instanceof Command.Stats) {
      return stats();
    }
    if (command instanceof Command.Authenticated) {
      return Reply.Status.OK;
    }
    if (command instanceof Command.Auth) {
      return Reply.NO_TOKEN_CONFIGURED; // with a token, AuthGate answers AUTH before it gets here
    }
    if (command instanceof Command.Invalid invalid) {
      return new Reply.Error(invalid.error());
    }
    if (command instanceof Command.LineTooLong) {
      return Reply.LINE_TOO_LONG;
    }
    throw new IllegalStateException("unhandled command " + command);
  }

  /** The original's words for an operation's error: its own for memory, else the text after the kind. */
  private static Reply error(Result.Error error) {
    if (error == Dispatcher.OOM) {
      return Reply.OUT_OF_MEMORY;
    }
    if (error == Dispatcher.AT_CAPACITY) {
      return Reply.AT_CAPACITY;
    }
    if (error == Dispatcher.WRONGTYPE) {
      return Reply.WRONG_TYPE; // a key a RESP client made a hash or list: kind first, as NOAUTH and WRONGPASS are
    }
    if (error.kind() == ErrorKind.BUSY) {
      return new Reply.Error(error.line()); // a RESP client's script runs past the threshold: kind first, as above
    }
    return new Reply.Error(error.message());
  }

  /** The original's reply to {@code command}, whose operation answered {@code result} (not an error). */
  private static Reply render(Command command, Result result) {
    if (command instanceof Command.Get) {
      return result instanceof Result.Stored value ? new Reply.Value(value.value()) : Reply.Status.NOT_FOUND;
    }
    if (command instanceof Command.Add) {
      return result == Result.OK ? Reply.Status.OK : Reply.Status.EXISTS;
    }
    if (command instanceof Command.Delete || command instanceof Command.Expire
        || command instanceof Command.Persist || command instanceof Command.Release) {
      return ONE.equals(result) ? Reply.Status.OK : Reply.Status.NOT_FOUND;
    }
    if (command instanceof Command.Ping ping) {
      return ping.inline() ? Reply.Status.INLINE_PONG : Reply.Status.PONG;
    }
    if (command instanceof Command.Ttl ttl) {
      return ABSENT.equals(result)
          ? Reply.Status.NOT_FOUND
          : new Reply.TimeToLive(ttl.inMillis(), ((Result.Int) result).value());
    }
    if (command instanceof Command.IncrementBy) {
      return new Reply.Counter(((Result.Int) result).value());
    }
    if (command instanceof Command.GetOrLease) {
      return leaseReply(((Result.Array) result).elements());
    }
    return Reply.Status.OK; // SET, FLUSH, SETEX and its relatives, FILL
  }

  /** {@code GETL}'s word and argument as the original's line. */
  private static Reply leaseReply(List<Result> wordAndArgument) {
    // GETL's operation answers a word and a value or a number, never an absent bulk.
    String word = Arguments.text(Objects.requireNonNull(((Result.Bulk) wordAndArgument.get(0)).bytes()).array());
    Result argument = wordAndArgument.get(1);
    if (word.equals("VALUE")) {
      return new Reply.Value(Objects.requireNonNull(((Result.Bulk) argument).bytes()));
    }
    long number = ((Result.Int) argument).value();
    return word.equals("LEASE") ? new Reply.Lease(number) : new Reply.Wait(number);
  }

  /** The store key of a text key's bytes: the text itself (the parser gives only well-formed text). */
  private String storeKey(byte[] bytes) {
    String text = keyText;
    return bytes == keyBytes && text != null ? text : new String(bytes, StandardCharsets.UTF_8);
  }

  /** The bytes of the key {@code key}, remembered for {@link #storeKey}. */
  private byte[] key(String key) {
    keyBytes = key.getBytes(StandardCharsets.UTF_8);
    keyText = key;
    return keyBytes;
  }

  private static byte[][] args(byte[]... args) {
    return args;
  }


  private static byte[] millis(Duration ttl) {
    return decimal(ttl.toMillis());
  }

  private static byte[] decimal(long value) {
    return ascii(Long.toString(value));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Without an {@link AuthGate} (no token), while the default user needs a password ({@code ACL SETUSER default
   * >pw}) that this connection has not given: {@code AUTH} checks it against the user's passwords, every other word
   * but an overlong line gets the gate's {@code NOAUTH}, so a password set by ACL holds on this protocol too.
   */
  private @Nullable Reply refusal(Command command) {
    if (gated || signedIn || !client.userNeedsPassword()) {
      return null;
    }
    if (command instanceof Command.Auth auth) {
      signedIn = client.userAccepts(auth.token().getBytes(StandardCharsets.UTF_8));
      return signedIn ? Reply.Status.OK : new Reply.Error(AuthGate.WRONG_TOKEN.error());
    }
    return command instanceof Command.LineTooLong || command == CommandParser.AUTH_REQUIRES_TOKEN ? null
        : new Reply.Error(AuthGate.NOAUTH.error());
  }
}
